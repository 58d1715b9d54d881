namespace OrleansConsistency.Runtime.Storage.GroupCommit;

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

    public PendingWrite(GrainStateWrite write, CancellationToken cancellationToken)
    {
        Write = write;
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static (state, token) => ((PendingWrite)state!).TryCancel(token), this);
        }
    }

    public GrainStateWrite Write { get; }

    public Task<string> Task => _completion.Task;

    /// <summary>The ETag the write produced in the current attempt; valid only once its transaction commits.</summary>
    public string? NewEtag { get; set; }

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
        NewEtag = null;
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
            _completion.TrySetResult(NewEtag ?? throw new InvalidOperationException("A write completed without an ETag."));
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
