namespace OrleansConsistency.Storage;

/// <summary>
/// A storage provider: reads grain state rows and commits <see cref="GrainStateWrite"/>s. Implementations
/// group-commit: writes that arrive together share one transaction, and each caller is answered only after its
/// own write committed.
/// </summary>
public interface IGrainStateStore
{
    /// <summary>The provider's name, e.g. <c>sqlite</c> or <c>postgresql</c>.</summary>
    string Name { get; }

    /// <summary>Reads a grain's state row, or null when none exists.</summary>
    Task<StoredGrainState?> ReadAsync(string grainType, string grainId, CancellationToken cancellationToken = default);

    /// <summary>Commits one write atomically and returns the row's new ETag.</summary>
    /// <exception cref="Orleans.Storage.InconsistentStateException">The stored ETag differs from the expected one.</exception>
    /// <exception cref="DuplicateIntentException">An intent record's key is already stored.</exception>
    /// <exception cref="StorageUnavailableException">Storage failed before the commit; nothing was written.</exception>
    /// <exception cref="CommitOutcomeUnknownException">The commit's answer was lost.</exception>
    Task<string> WriteAsync(GrainStateWrite write, CancellationToken cancellationToken = default);
}
