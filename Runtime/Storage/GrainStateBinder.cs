using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansConsistency.Runtime.Activation;

namespace OrleansConsistency.Runtime.Storage;

/// <summary>Binds <c>[PersistentState]</c> constructor parameters to storage rows, and checks once per state type that it can be stored at all.</summary>
internal sealed class GrainStateBinder(IServiceProvider services, JsonSerializerOptions jsonOptions)
{
    /// <summary>The state name whose row uses the bare grain type, so one-state grains have plain rows.</summary>
    public const string DefaultStateName = "state";

    private readonly ConcurrentDictionary<Type, Exception?> _checkedTypes = new();

    public IStateLoader Bind(GrainTypeInfo grainType, GrainId grainId, Type parameterType, PersistentStateAttribute attribute)
    {
        if (!parameterType.IsGenericType || parameterType.GetGenericTypeDefinition() != typeof(IPersistentState<>))
        {
            throw new InvalidOperationException($"Constructor parameter of type {parameterType.Name} in {grainType.GrainClass.Name} has [PersistentState] but is not an IPersistentState<T>.");
        }

        var stateType = parameterType.GetGenericArguments()[0];
        if (_checkedTypes.GetOrAdd(stateType, CheckSerializable) is { } problem)
        {
            throw new StateSerializationException($"Grain {grainId} cannot be activated: its state type {stateType.FullName} cannot be stored with System.Text.Json ({problem.Message}).", problem);
        }

        var storage = ResolveStorage(attribute.StorageName, grainType);
        var rowType = attribute.StateName == DefaultStateName ? grainType.Name : $"{grainType.Name}/{attribute.StateName}";
        return (IStateLoader)Activator.CreateInstance(typeof(PersistentState<>).MakeGenericType(stateType), storage, rowType, grainId.Key, jsonOptions)!;
    }

    private IGrainStorage ResolveStorage(string? storageName, GrainTypeInfo grainType)
    {
        if (storageName is null or "Default")
        {
            return services.GetRequiredService<IGrainStorage>();
        }

        return services.GetKeyedService<IGrainStorage>(storageName)
            ?? throw new InvalidOperationException($"Grain class {grainType.GrainClass.Name} asks for storage provider '{storageName}', which is not registered in the silo.");
    }

    private Exception? CheckSerializable(Type stateType)
    {
        try
        {
            var instance = PersistentStateFactory.CreateEmpty(stateType);
            var json = JsonSerializer.Serialize(instance, stateType, jsonOptions);
            _ = JsonSerializer.Deserialize(json, stateType, jsonOptions);
            return null;
        }
#pragma warning disable CA1031 // Any failure here means the type cannot be stored; it is reported, not swallowed.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return ex;
        }
    }
}
