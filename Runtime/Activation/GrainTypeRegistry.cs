using System.Collections.Frozen;
using System.Reflection;
using OrleansConsistency.Runtime.Calls;

namespace OrleansConsistency.Runtime.Activation;

/// <summary>Maps grain interfaces and grain type names to grain classes, found once in the silo's grain assemblies.</summary>
internal sealed class GrainTypeRegistry
{
    private readonly FrozenDictionary<Type, GrainTypeInfo> _byInterface;
    private readonly FrozenDictionary<string, GrainTypeInfo> _byName;

    public GrainTypeRegistry(IEnumerable<Assembly> assemblies)
    {
        var byInterface = new Dictionary<Type, GrainTypeInfo>();
        var byName = new Dictionary<string, GrainTypeInfo>(StringComparer.Ordinal);
        foreach (var grainClass in assemblies.Distinct().SelectMany(a => a.GetTypes()).Where(IsGrainClass))
        {
            var info = Describe(grainClass);
            if (!byName.TryAdd(info.Name, info))
            {
                throw new InvalidOperationException($"Grain classes {byName[info.Name].GrainClass.FullName} and {grainClass.FullName} both have grain type '{info.Name}'; name one with [GrainType].");
            }

            foreach (var grainInterface in grainClass.GetInterfaces().Where(IsGrainInterface))
            {
                if (!byInterface.TryAdd(grainInterface, info))
                {
                    throw new InvalidOperationException($"Grain interface {grainInterface.FullName} is implemented by both {byInterface[grainInterface].GrainClass.FullName} and {grainClass.FullName}; a grain interface needs exactly one grain class.");
                }
            }
        }

        _byInterface = byInterface.ToFrozenDictionary();
        _byName = byName.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IEnumerable<GrainTypeInfo> GrainTypes => _byName.Values;

    public IEnumerable<Type> GrainInterfaces => _byInterface.Keys;

    public GrainTypeInfo GetGrainType(Type grainInterface)
    {
        if (_byInterface.TryGetValue(grainInterface, out var info))
        {
            return info;
        }

        if (!grainInterface.IsInterface || !IsGrainInterface(grainInterface))
        {
            throw new GrainInterfaceNotFoundException($"{grainInterface.FullName} is not a grain interface: it must be an interface that extends IGrainWithStringKey.");
        }

        throw new GrainInterfaceNotFoundException($"No grain class implements {grainInterface.FullName} in this silo. Register the assembly that holds it with AddGrains.");
    }

    public GrainTypeInfo GetGrainType(string name) =>
        _byName.TryGetValue(name, out var info)
            ? info
            : throw new GrainInterfaceNotFoundException($"No grain class has grain type '{name}' in this silo.");

    public static string GetTypeName(Type grainClass)
    {
        if (grainClass.GetCustomAttribute<GrainTypeAttribute>() is { } attribute)
        {
            return attribute.Name;
        }

        var name = grainClass.Name;
        if (name.EndsWith("Grain", StringComparison.Ordinal) && name.Length > "Grain".Length)
        {
            name = name[..^"Grain".Length];
        }

        return name.ToLowerInvariant();
    }

    private static bool IsGrainClass(Type type) => type is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false } && type.IsSubclassOf(typeof(Grain));

    private static bool IsGrainInterface(Type type) =>
        type.IsInterface && type != typeof(IGrain) && type != typeof(IGrainWithStringKey) && typeof(IGrain).IsAssignableFrom(type);

    private static GrainTypeInfo Describe(Type grainClass)
    {
        foreach (var grainInterface in grainClass.GetInterfaces().Where(IsGrainInterface))
        {
            GrainMethod.ValidateInterface(grainInterface);
        }

        var constructor = grainClass.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
            ?? throw new InvalidOperationException($"Grain class {grainClass.FullName} has no public constructor.");
        return new GrainTypeInfo(GetTypeName(grainClass), grainClass, constructor, grainClass.IsDefined(typeof(ReentrantAttribute), inherit: false));
    }
}
