using Orleans.Core;

namespace OrleansConsistency.Storage.GrainStorage;

/// <summary>Writes a grain's state together with the rows that must commit with it.</summary>
public static class PersistentStateExtensions
{
    /// <summary>
    /// Writes <see cref="IStorage{TState}.State"/> and <paramref name="alsoCommit"/> in one transaction: either all
    /// of them commit or none does.
    /// </summary>
    /// <exception cref="Orleans.Storage.InconsistentStateException">The stored row changed since it was read; nothing was written.</exception>
    public static Task WriteStateAsync<TState>(this IStorage<TState> state, CommitRecords alsoCommit)
        where TState : ICarriesCommitRecords
    {
        ArgumentNullException.ThrowIfNull(state);
        state.State.PendingRecords.Add(alsoCommit);
        return state.WriteStateAsync();
    }
}
