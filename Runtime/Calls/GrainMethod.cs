using System.Collections.Concurrent;
using System.Reflection;

namespace OrleansConsistency.Runtime.Calls;

/// <summary>
/// What the runtime needs to know about one grain interface method, computed once per method: how to turn the
/// untyped result of a call into the method's return type on the caller's side, and how to await the grain's
/// typed result on the activation's side.
/// </summary>
internal sealed class GrainMethod
{
    private static readonly ConcurrentDictionary<MethodInfo, GrainMethod> Cache = new();

    private readonly Func<Task<object?>, object> _toCallerResult;
    private readonly Func<object, Task<object?>> _awaitGrainResult;

    private GrainMethod(MethodInfo method)
    {
        Method = method;
        Name = $"{method.DeclaringType?.Name}.{method.Name}";
        AlwaysInterleave = method.IsDefined(typeof(AlwaysInterleaveAttribute), inherit: false);
        CancellationTokenIndex = Array.FindIndex(method.GetParameters(), p => p.ParameterType == typeof(CancellationToken));
        ParameterTypes = [.. method.GetParameters().Select(p => p.ParameterType)];
        Id = $"{method.DeclaringType?.FullName}::{method.Name}({string.Join(",", ParameterTypes.Select(t => t.FullName))})";

        var returnType = method.ReturnType;
        if (returnType == typeof(Task))
        {
            _toCallerResult = static task => task;
            _awaitGrainResult = static async result => { await ((Task)result).ConfigureAwait(false); return null; };
        }
        else if (returnType == typeof(ValueTask))
        {
            _toCallerResult = static task => new ValueTask(task);
            _awaitGrainResult = static async result => { await ((ValueTask)result).ConfigureAwait(false); return null; };
        }
        else if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            var resultType = returnType.GetGenericArguments()[0];
            ResultType = resultType;
            _toCallerResult = CreateAdapter<Func<Task<object?>, object>>(nameof(ToTask), resultType);
            _awaitGrainResult = CreateAdapter<Func<object, Task<object?>>>(nameof(AwaitTask), resultType);
        }
        else if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            var resultType = returnType.GetGenericArguments()[0];
            ResultType = resultType;
            _toCallerResult = CreateAdapter<Func<Task<object?>, object>>(nameof(ToValueTask), resultType);
            _awaitGrainResult = CreateAdapter<Func<object, Task<object?>>>(nameof(AwaitValueTask), resultType);
        }
        else
        {
            throw new GrainInterfaceNotFoundException(
                $"Grain method {Name} returns {returnType.Name}; grain methods must return Task, Task<T>, ValueTask or ValueTask<T>.");
        }
    }

    public MethodInfo Method { get; }

    public string Name { get; }

    public bool AlwaysInterleave { get; }

    /// <summary>Names the method across processes: interface, name and parameter types.</summary>
    public string Id { get; }

    /// <summary>The declared parameter types, which arguments are serialized as when a call crosses silos.</summary>
    public IReadOnlyList<Type> ParameterTypes { get; }

    /// <summary>The T of Task&lt;T&gt; or ValueTask&lt;T&gt;; null for Task and ValueTask.</summary>
    public Type? ResultType { get; }

    /// <summary>Index of a CancellationToken parameter, which the runtime fills with the call's deadline; -1 if none.</summary>
    public int CancellationTokenIndex { get; }

    public static GrainMethod For(MethodInfo method) => Cache.GetOrAdd(method, static m => new GrainMethod(m));

    /// <summary>Checks every method of a grain interface, so that a bad interface fails when the reference is made, not on first call.</summary>
    public static void ValidateInterface(Type grainInterface)
    {
        foreach (var method in grainInterface.GetInterfaces().Append(grainInterface).SelectMany(i => i.GetMethods()))
        {
            if (method.IsGenericMethodDefinition)
            {
                throw new GrainInterfaceNotFoundException($"Grain method {grainInterface.Name}.{method.Name} is generic; grain methods must not be.");
            }

            if (method.GetParameters().Any(p => p.ParameterType.IsByRef))
            {
                throw new GrainInterfaceNotFoundException($"Grain method {grainInterface.Name}.{method.Name} has a ref or out parameter; grain methods must not.");
            }

            _ = For(method);
        }
    }

    public object ToCallerResult(Task<object?> call) => _toCallerResult(call);

    public Task<object?> AwaitGrainResult(object? returned) =>
        returned is null
            ? Task.FromException<object?>(new InvalidOperationException($"Grain method {Name} returned null instead of a task."))
            : _awaitGrainResult(returned);

    private static TDelegate CreateAdapter<TDelegate>(string name, Type resultType)
        where TDelegate : Delegate =>
        typeof(GrainMethod).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(resultType)
            .CreateDelegate<TDelegate>();

#pragma warning disable CA1859 // These adapters are bound to Func<Task<object?>, object>, so they must return object.
    private static object ToTask<T>(Task<object?> call) => Cast<T>(call);

    private static object ToValueTask<T>(Task<object?> call) => new ValueTask<T>(Cast<T>(call));
#pragma warning restore CA1859

    private static async Task<T> Cast<T>(Task<object?> call) => (T)(await call.ConfigureAwait(false))!;

    private static async Task<object?> AwaitTask<T>(object returned) => await ((Task<T>)returned).ConfigureAwait(false);

    private static async Task<object?> AwaitValueTask<T>(object returned) => await ((ValueTask<T>)returned).ConfigureAwait(false);
}
