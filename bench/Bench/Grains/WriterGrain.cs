using OrleansConsistency.Runtime;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Bench.Grains;

/// <summary>
/// Writes its state on every call, the way a product grain applies an intent: a benchmark through it measures what a
/// caller waits for (the call, the serialization, the compare-and-swap and the commit), not the storage alone.
/// </summary>
public sealed class WriterGrain([PersistentState("state")] IPersistentState<WriterState> state) : Grain, IWriterGrain
{
    /// <inheritdoc />
    public async Task<long> Write()
    {
        state.State.Writes++;
        await state.WriteStateAsync();
        return state.State.Writes;
    }
}
