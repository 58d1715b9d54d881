namespace OrleansConsistency.Runtime.Calls;

/// <summary>One call on its way to an activation's mailbox: target, method, arguments, deadline and the caller's context.</summary>
internal sealed class GrainCall
{
    private readonly TaskCompletionSource<object?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public GrainCall(GrainId target, GrainMethod method, object?[] arguments, DateTimeOffset deadline, RequestContextData? context)
    {
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

    public Task<object?> Completion => _completion.Task;

    public bool IsCompleted => _completion.Task.IsCompleted;

    public void SetResult(object? result) => _completion.TrySetResult(result);

    public void SetException(Exception exception) => _completion.TrySetException(exception);

    /// <summary>A fresh copy to send again after a failed delivery: a call's completion can be set only once.</summary>
    public GrainCall Copy() => new(Target, Method, Arguments, Deadline, Context);

    public TimeoutException DeadlinePassedBeforeStart() =>
        new($"Call {Method.Name} to {Target} was not started: its deadline ({Deadline:O}) passed while it waited.");

    public TimeoutException DeadlinePassedWhileRunning() =>
        new($"Call {Method.Name} to {Target} did not complete before its deadline ({Deadline:O}).");
}
