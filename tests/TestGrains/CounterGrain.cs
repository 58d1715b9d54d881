
namespace OrleansConsistency.TestGrains;

public interface ICounterGrain : IGrainWithStringKey
{
    Task<long> Add(long delta);

    Task<long> GetValue();

    Task<string?> GetEtag();

    Task Clear();

    Task Deactivate();
}

[GenerateSerializer]
public sealed class CounterState
{
    [Id(0)]
    public long Value { get; set; }
}

/// <summary>A persisted counter: each Add is one durable write, acknowledged only after it committed.</summary>
public sealed class CounterGrain([PersistentState("state")] IPersistentState<CounterState> counter) : Grain, ICounterGrain
{
    public async Task<long> Add(long delta)
    {
        counter.State.Value += delta;
        await counter.WriteStateAsync();
        return counter.State.Value;
    }

    public Task<long> GetValue() => Task.FromResult(counter.State.Value);

    public Task<string?> GetEtag() => Task.FromResult(counter.Etag);

    public Task Clear() => counter.ClearStateAsync();

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
