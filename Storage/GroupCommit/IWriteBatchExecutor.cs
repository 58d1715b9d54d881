namespace OrleansConsistency.Storage.GroupCommit;

/// <summary>
/// The provider-specific half of group commit: opens write transactions and classifies database errors. The
/// <see cref="GroupCommitter"/> is the shared half that batches, retries and answers callers.
/// </summary>
internal interface IWriteBatchExecutor
{
    /// <summary>Opens a write transaction; throws when storage cannot be reached (nothing is written then).</summary>
    Task<IWriteTransaction> BeginAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Whether an error that failed a whole batch may have been caused by one of its writes (a constraint, a bad
    /// value, a deadlock), so that retrying the writes one transaction each lets the others commit. False for
    /// errors of the connection or the server, which would fail every retry too.
    /// </summary>
    bool IsWriteSpecific(Exception exception);

    /// <summary>The exception callers get when COMMIT itself failed.</summary>
    Exception MapCommitFailure(Exception exception);
}
