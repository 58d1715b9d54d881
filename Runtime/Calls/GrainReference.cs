using System.Diagnostics;
using System.Reflection;

namespace OrleansConsistency.Runtime.Calls;

/// <summary>
/// The proxy behind every grain reference: it turns an interface call into a <see cref="GrainCall"/> with a
/// deadline and hands it to the dispatcher. It holds no activation, so it is cheap and can be kept.
/// </summary>
#pragma warning disable CA1852 // DispatchProxy generates a subclass at run time.
internal class GrainReference : DispatchProxy
#pragma warning restore CA1852
{
    private IGrainCallDispatcher? _dispatcher;
    private TimeProvider _timeProvider = TimeProvider.System;
    private TimeSpan _defaultTimeout;

    public GrainId GrainId { get; private set; }

    internal void Bind(GrainId grainId, IGrainCallDispatcher dispatcher, TimeProvider timeProvider, TimeSpan defaultTimeout)
    {
        GrainId = grainId;
        _dispatcher = dispatcher;
        _timeProvider = timeProvider;
        _defaultTimeout = defaultTimeout;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var method = GrainMethod.For(targetMethod);
        var context = RequestContext.Capture();
        var deadline = _timeProvider.GetUtcNow() + _defaultTimeout;
        if (context?.Deadline is { } inherited && inherited < deadline)
        {
            deadline = inherited;
        }

        var call = new GrainCall(GrainId, method, args ?? [], deadline, context, Activity.Current?.Context ?? default);
        return method.ToCallerResult(_dispatcher!.InvokeAsync(call));
    }

    /// <summary>Returns the grain id, so that logs and assertions show which grain a reference names.</summary>
    public override string ToString() => GrainId.ToString();

    public override bool Equals(object? obj) => obj is GrainReference other && other.GrainId == GrainId;

    public override int GetHashCode() => GrainId.GetHashCode();
}
