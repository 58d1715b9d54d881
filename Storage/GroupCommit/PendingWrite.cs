namespace OrleansConsistency.Storage.GroupCommit;

/// <summary>
/// A write waiting in (or executing from) the group-commit queue, with the caller's task and the outcome of the
/// current transaction attempt.
/// </summary>
internal sealed class PendingWrite
{
    private const int Queued = 0;
    private const int Started = 1;
    private const int Canceled = 2;

    // Continuations run asynchronously so that a caller's code never runs on the commit loop.
    private readonly TaskCompletionSource<string> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenRegistration _registration;
    private int _state;

    private readonly GrainStateWrite? _write;

    public PendingWrite(GrainStateWrite write, CancellationToken cancellationToken)
        : this(cancellationToken) => _write = write;

    public PendingWrite(ProgressWrite progress, CancellationToken cancellationToken)
        : this(cancellationToken) => Progress = progress;

    private PendingWrite(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static (state, token) => ((PendingWrite)state!).TryCancel(token), this);
        }
    }

    /// <summary>The grain write; only valid when <see cref="Progress"/> is null.</summary>
    public GrainStateWrite Write => _write ?? throw new InvalidOperationException("A progress write has no grain write.");

    /// <summary>The consumer progress row, when this is not a grain write.</summary>
    public ProgressWrite? Progress { get; }

    /// <summary>True for the product's own grain writes: the ones a test's injected faults count.</summary>
    public bool IsProductWrite => Progress is null && _write?.IsInfrastructure != true;

    public Task<string> Task => _completion.Task;

    /// <summary>
    /// What the write produced in the current attempt, valid only once its transaction commits: the new ETag of a
    /// grain write, or the number a progress write answers (see <see cref="CheckpointAdvance"/>,
    /// <see cref="ProjectionUpsert"/>, <see cref="QueueCheckpointAdvance"/>).
    /// </summary>
    public string? Result { get; set; }

    /// <summary>Why the write failed in the current attempt; null when it succeeded or was not tried yet.</summary>
    public Exception? Failure { get; set; }

    /// <summary>
    /// Claims the write for execution. False when its caller canceled first, in which case it must not be written;
    /// after a true result, cancellation no longer affects it (its transaction is shared with other callers).
    /// </summary>
    public bool TryStart()
    {
        if (Interlocked.CompareExchange(ref _state, Started, Queued) != Queued)
        {
            return false;
        }

        _registration.Dispose();
        return true;
    }

    public void ResetAttempt()
    {
        Result = null;
        Failure = null;
    }

    public void Fail(Exception failure)
    {
        Failure = failure;
        Complete();
    }

    /// <summary>Answers the caller with the attempt's outcome.</summary>
    public void Complete()
    {
        if (Failure is not null)
        {
            _completion.TrySetException(Failure);
        }
        else
        {
            _completion.TrySetResult(Result ?? throw new InvalidOperationException("A write completed without a result."));
        }
    }

    private void TryCancel(CancellationToken token)
    {
        if (Interlocked.CompareExchange(ref _state, Canceled, Queued) == Queued)
        {
            _completion.TrySetCanceled(token);
        }
    }
}
