using System.Diagnostics;

namespace OrleansConsistency.Runtime.Calls;

/// <summary>One call on its way to an activation's mailbox: target, method, arguments, deadline and the caller's context.</summary>
internal sealed class GrainCall
{
    private const int Queued = 0;
    private const int Running = 1;
    private const int Abandoned = 2;

    private readonly TaskCompletionSource<object?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _phase;

    public GrainCall(GrainId target, GrainMethod method, object?[] arguments, DateTimeOffset deadline, RequestContextData? context, ActivityContext caller = default)
    {
        Caller = caller;
        Target = target;
        Method = method;
        Arguments = arguments;
        Deadline = deadline;
        Context = context;
    }

    public GrainId Target { get; }

    public GrainMethod Method { get; }

    public object?[] Arguments { get; }

    public DateTimeOffset Deadline { get; }

    public RequestContextData? Context { get; }

    /// <summary>The caller's span, so that the grain's span joins the caller's trace although the mailbox does not flow the execution context.</summary>
    public ActivityContext Caller { get; }

    public Task<object?> Completion => _completion.Task;

    public bool IsCompleted => _completion.Task.IsCompleted;

    /// <summary>
    /// Claims the call for running; false when its caller already gave up on it, so it must not run. Together with
    /// <see cref="TryAbandon"/> this decides exactly once whether a call that missed its deadline ran.
    /// </summary>
    public bool TryStart() => Interlocked.CompareExchange(ref _phase, Running, Queued) == Queued;

    /// <summary>Gives up on a call that has not started: true guarantees it never runs; false means it already started.</summary>
    public bool TryAbandon() => Interlocked.CompareExchange(ref _phase, Abandoned, Queued) != Running;

    public void SetResult(object? result) => _completion.TrySetResult(result);

    public void SetException(Exception exception) => _completion.TrySetException(exception);

    /// <summary>A fresh copy to send again after a failed delivery: a call's completion can be set only once.</summary>
    public GrainCall Copy() => new(Target, Method, Arguments, Deadline, Context);

    public DeadlineExceededException DeadlinePassedBeforeStart() =>
        new($"Call {Method.Name} to {Target} was not started: its deadline ({Deadline:O}) passed while it waited.", Deadline, started: false);

    public DeadlineExceededException DeadlinePassedWhileRunning() =>
        new($"Call {Method.Name} to {Target} did not complete before its deadline ({Deadline:O}).", Deadline, started: true);
}
