namespace OrleansConsistency.Bench.Grains;

/// <summary>
/// Writes its state on every call, the way a product grain applies an intent: a benchmark through it measures what a
/// caller waits for (the call, the serialization, the compare-and-swap and the commit), not the storage alone. The
/// subclasses differ only in the storage provider their state is bound to.
/// </summary>
public abstract class WriterGrainBase(IPersistentState<WriterState> state) : Grain, IWriterGrain
{
    /// <inheritdoc />
    public async Task<long> Write()
    {
        state.State.Writes++;
        await state.WriteStateAsync();
        return state.State.Writes;
    }
}

/// <summary>A writer on the silo's default storage: the project's provider (SQLite or PostgreSQL, as configured).</summary>
public sealed class WriterGrain([PersistentState("state")] IPersistentState<WriterState> state) : WriterGrainBase(state);

/// <summary>The same writer on Orleans' own ADO.NET grain storage, registered under <see cref="StorageName"/>.</summary>
public sealed class AdoNetWriterGrain([PersistentState("state", AdoNetWriterGrain.StorageName)] IPersistentState<WriterState> state) : WriterGrainBase(state)
{
    /// <summary>The storage provider name the bench registers Orleans' ADO.NET provider under.</summary>
    public const string StorageName = "adonet";
}

/// <summary>References to the writer grains: the interface has two implementations, told apart by class.</summary>
public static class WriterGrains
{
    /// <summary>The writer <paramref name="key"/> on the project's storage (<see cref="WriterGrain"/>).</summary>
    public static IWriterGrain OnProjectStorage(this IGrainFactory factory, string key) =>
        factory.GetGrain<IWriterGrain>(key, typeof(WriterGrain).FullName);

    /// <summary>The writer <paramref name="key"/> on Orleans' ADO.NET storage (<see cref="AdoNetWriterGrain"/>).</summary>
    public static IWriterGrain OnAdoNetStorage(this IGrainFactory factory, string key) =>
        factory.GetGrain<IWriterGrain>(key, typeof(AdoNetWriterGrain).FullName);
}
