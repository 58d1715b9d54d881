using System.Diagnostics;

namespace OrleansConsistency.Runtime.Calls;

/// <summary>One call on its way to an activation's mailbox: target, method, arguments, deadline and the caller's context.</summary>
internal sealed class GrainCall
{
    private readonly TaskCompletionSource<object?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

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

    public void SetResult(object? result) => _completion.TrySetResult(result);

    public void SetException(Exception exception) => _completion.TrySetException(exception);

    public TimeoutException DeadlinePassedBeforeStart() =>
        new($"Call {Method.Name} to {Target} was not started: its deadline ({Deadline:O}) passed while it waited.");

    public TimeoutException DeadlinePassedWhileRunning() =>
        new($"Call {Method.Name} to {Target} did not complete before its deadline ({Deadline:O}).");
}
