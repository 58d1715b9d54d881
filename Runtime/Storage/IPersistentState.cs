namespace OrleansConsistency.Runtime.Storage;

/// <summary>
/// A grain's durable state, injected into the grain's constructor through <see cref="PersistentStateAttribute"/>.
/// Mirrors Orleans' <c>IPersistentState&lt;T&gt;</c>: the state is read before <c>OnActivateAsync</c>, and every
/// write is a compare-and-swap on <see cref="Etag"/>.
/// </summary>
/// <typeparam name="TState">The state type; serialized with System.Text.Json.</typeparam>
public interface IPersistentState<TState>
{
    /// <summary>The in-memory state. Changes are durable only after <see cref="WriteStateAsync()"/> returns.</summary>
    TState State { get; set; }

    /// <summary>The ETag of the stored row this state was read from or last written as; null when no row exists.</summary>
    string? Etag { get; }

    /// <summary>True when stored state exists (it was read from or written to storage and not cleared).</summary>
    bool RecordExists { get; }

    /// <summary>Reloads <see cref="State"/> and <see cref="Etag"/> from storage, discarding unsaved changes.</summary>
    Task ReadStateAsync();

    /// <summary>
    /// Writes <see cref="State"/> if the stored ETag still equals <see cref="Etag"/>.
    /// </summary>
    /// <exception cref="InconsistentStateException">The stored row changed since it was read; nothing was written.</exception>
    Task WriteStateAsync();

    /// <summary>
    /// Writes <see cref="State"/> and the given rows (intent records, stream events) in one transaction:
    /// either all of them commit or none does.
    /// </summary>
    /// <param name="alsoCommit">Rows that must commit atomically with the state.</param>
    /// <param name="version">The domain version stored beside the state (null when the grain has none).</param>
    /// <exception cref="InconsistentStateException">The stored row changed since it was read; nothing was written.</exception>
    Task WriteStateAsync(CommitRecords alsoCommit, long? version = null);

    /// <summary>Clears the stored state (the row is kept with a new ETag so that stale writers still fail).</summary>
    Task ClearStateAsync();
}
