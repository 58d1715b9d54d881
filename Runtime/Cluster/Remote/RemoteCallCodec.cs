using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json;
using OrleansConsistency.Runtime.Calls;

namespace OrleansConsistency.Runtime.Cluster.Remote;

/// <summary>Turns calls, results and exceptions into their wire form and back, with the silo's JSON options.</summary>
internal sealed class RemoteCallCodec(GrainMethodDirectory methods, JsonSerializerOptions options, TimeProvider timeProvider)
{
    public RemoteCallRequest Encode(GrainCall call, int hops)
    {
        var arguments = new JsonElement?[call.Arguments.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = i == call.Method.CancellationTokenIndex || call.Arguments[i] is null
                ? null
                : JsonSerializer.SerializeToElement(call.Arguments[i], call.Method.ParameterTypes[i], options);
        }

        var remaining = (long)Math.Max(0, (call.Deadline - timeProvider.GetUtcNow()).TotalMilliseconds);
        return new RemoteCallRequest(call.Target.Type, call.Target.Key, call.Method.Id, arguments, remaining, call.Context?.Values, hops);
    }

    public GrainCall Decode(RemoteCallRequest request)
    {
        var method = methods.Get(request.Method);
        if (request.Arguments.Count != method.ParameterTypes.Count)
        {
            throw new ArgumentException($"Call to {method.Name} has {request.Arguments.Count} arguments; it takes {method.ParameterTypes.Count}.");
        }

        var arguments = new object?[request.Arguments.Count];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = i == method.CancellationTokenIndex
                ? CancellationToken.None
                : request.Arguments[i] is { } element ? element.Deserialize(method.ParameterTypes[i], options) : null;
        }

        var deadline = timeProvider.GetUtcNow() + TimeSpan.FromMilliseconds(request.RemainingMilliseconds);
        var context = request.Context is { Count: > 0 } values
            ? RequestContextData.Empty with { Values = values.ToImmutableDictionary(), Deadline = deadline }
            : RequestContextData.Empty with { Deadline = deadline };
        return new GrainCall(GrainId.Create(request.GrainType, request.GrainKey), method, arguments, deadline, context);
    }

    public RemoteCallResponse EncodeResult(GrainMethod method, object? result) =>
        new(method.ResultType is { } type && result is not null ? JsonSerializer.SerializeToElement(result, type, options) : null, null);

    public object? DecodeResult(GrainMethod method, RemoteCallResponse response) =>
        method.ResultType is { } type && response.Result is { } element ? element.Deserialize(type, options) : null;

    public static RemoteCallResponse EncodeException(Exception exception)
    {
        var type = exception.GetType();
        return new(null, new RemoteCallError(RemoteCallError.Thrown, $"{type.FullName}, {type.Assembly.GetName().Name}", exception.Message));
    }

    /// <summary>
    /// The same exception type as the grain threw when it is known here and has a (string message) constructor, so
    /// callers catch what they would catch locally (TimeoutException, StorageUnavailableException, ...).
    /// </summary>
    public static Exception DecodeException(RemoteCallError error)
    {
        var type = error.ExceptionType is { } name ? Type.GetType(name, throwOnError: false) : null;
        if (type is not null && typeof(Exception).IsAssignableFrom(type) && !type.IsAbstract
            && type.GetConstructor(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, [typeof(string)]) is { } constructor)
        {
            return (Exception)constructor.Invoke([error.Message]);
        }

        return new RemoteGrainCallException($"{error.ExceptionType}: {error.Message}") { RemoteExceptionType = error.ExceptionType };
    }
}
