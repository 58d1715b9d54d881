namespace OrleansConsistency.Storage.GroupCommit;

/// <summary>One open write transaction. Disposing it without <see cref="CommitAsync"/> rolls it back.</summary>
internal interface IWriteTransaction : IAsyncDisposable
{
    /// <summary>
    /// Executes the writes in order, setting each one's <see cref="PendingWrite.Result"/> or, when its CAS or a
    /// uniqueness check failed, its <see cref="PendingWrite.Failure"/> (nothing of a failed write stays in the
    /// transaction).
    /// </summary>
    /// <returns>
    /// Null when every write has an outcome and the transaction may commit; otherwise the write whose failure
    /// aborted the whole transaction (its <see cref="PendingWrite.Failure"/> is set), and the transaction must be
    /// rolled back and the other writes retried.
    /// </returns>
    /// <exception cref="Exception">A database error that failed the whole transaction.</exception>
    Task<PendingWrite?> ApplyAsync(IReadOnlyList<PendingWrite> writes, long nowUnixMilliseconds, CancellationToken cancellationToken);

    /// <summary>Commits; an exception means the outcome is what <see cref="IWriteBatchExecutor.MapCommitFailure"/> says.</summary>
    Task CommitAsync(CancellationToken cancellationToken);

    /// <summary>
    /// After <see cref="CommitAsync"/>: completes once the commit is durable, which may be later than COMMIT returned
    /// (SQLite syncs its WAL beside the commit loop); fails when that sync failed, and the outcome is then unknown.
    /// </summary>
    Task WhenDurable { get; }
}
