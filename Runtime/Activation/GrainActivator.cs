using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using OrleansConsistency.Runtime.Storage;

namespace OrleansConsistency.Runtime.Activation;

/// <summary>Creates grain instances: constructor parameters come from the silo's services, and <c>[PersistentState]</c> parameters are bound to stored state.</summary>
internal sealed class GrainActivator(IServiceProvider services, GrainStateBinder stateBinder)
{
    public Grain Create(GrainTypeInfo type, GrainContext context)
    {
        var parameters = type.Constructor.GetParameters();
        var arguments = new object?[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            arguments[i] = Resolve(type, parameters[i], context);
        }

        return context.Construct(() => (Grain)type.Constructor.Invoke(BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null));
    }

    private object? Resolve(GrainTypeInfo type, ParameterInfo parameter, GrainContext context)
    {
        if (parameter.GetCustomAttribute<PersistentStateAttribute>() is { } stateAttribute)
        {
            var state = stateBinder.Bind(type, context.GrainId, parameter.ParameterType, stateAttribute);
            context.States.Add(state);
            return state;
        }

        if (parameter.ParameterType == typeof(IGrainFactory))
        {
            return context.Runtime.GrainFactory;
        }

        return services.GetService(parameter.ParameterType)
            ?? (parameter.HasDefaultValue
                ? parameter.DefaultValue
                : throw new InvalidOperationException($"Grain class {type.GrainClass.Name} needs a {parameter.ParameterType.Name} for constructor parameter '{parameter.Name}', but none is registered in the silo's services."));
    }
}
