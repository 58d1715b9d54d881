using OrleansConsistency.Storage.Tests.Grains;
using OrleansConsistency.TestGrains;

namespace OrleansConsistency.Storage.Tests.Activation;

/// <summary>
/// The product relies on Orleans' turn-based execution: a grain that is not reentrant runs one call at a time, so a
/// resource never sees two intents at once; reentrancy and interleaving are opt-in. Orleans promises no delivery
/// order for concurrent calls, so none of these tests depends on one.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TurnBasedExecutionTests(ClusterFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ThousandConcurrentCalls_ToOneGrain_RunOneAtATime_AndEachRunsOnce()
    {
        var grain = fixture.GrainFactory.GetGrain<ISequenceGrain>(Guid.NewGuid().ToString());

        await Task.WhenAll(Enumerable.Range(0, 1000).Select(grain.Append));

        Assert.Equal(Enumerable.Range(0, 1000), (await grain.GetAll()).Order());
        Assert.Equal(1, await grain.GetMaxConcurrency());
    }

    [Fact]
    public async Task NonReentrantGrain_CallArrivingWhileItIsBusy_WaitsForTheRunningCall()
    {
        var key = Guid.NewGuid().ToString();
        var grain = fixture.GrainFactory.GetGrain<IGateGrain>(key);
        var holder = grain.Hold();
        await GateGrain.WhenHolding(key).WaitAsync(WaitLimit);

        var waiting = grain.Work();
        Assert.Equal("pong", await grain.Ping()); // The grain is responsive, yet Work has not run: it waits its turn.
        Assert.Equal(0, GateGrain.WorkRuns(key));
        GateGrain.Release(key);

        Assert.Equal("done", await waiting);
        await holder;
        Assert.False(await grain.RanWorkWhileHeld());
    }

    [Fact]
    public async Task BusyGrain_DoesNotHoldCallsToAnotherGrain()
    {
        var busyKey = Guid.NewGuid().ToString();
        var busy = fixture.GrainFactory.GetGrain<IGateGrain>(busyKey);
        var holder = busy.Hold();
        await GateGrain.WhenHolding(busyKey).WaitAsync(WaitLimit);

        var other = fixture.GrainFactory.GetGrain<IGateGrain>(Guid.NewGuid().ToString());
        Assert.Equal("done", await other.Work());

        Assert.False(holder.IsCompleted);
        GateGrain.Release(busyKey);
        await holder;
    }

    [Fact]
    public async Task ReentrantGrain_CallsInterleave()
    {
        var grain = fixture.GrainFactory.GetGrain<IReentrantSlowGrain>(Guid.NewGuid().ToString());
        var first = grain.Delay(TimeSpan.FromSeconds(2));
        var second = grain.Delay(TimeSpan.FromMilliseconds(1));

        var finishedFirst = await Task.WhenAny(first, second);

        Assert.Same(second, finishedFirst);
        await first;
    }

    [Fact]
    public async Task AlwaysInterleaveMethod_RunsWhileALongCallHoldsTheGrain()
    {
        var key = Guid.NewGuid().ToString();
        var grain = fixture.GrainFactory.GetGrain<IGateGrain>(key);
        var holder = grain.Hold();
        await GateGrain.WhenHolding(key).WaitAsync(WaitLimit);

        Assert.Equal("pong", await grain.Ping());

        Assert.False(holder.IsCompleted);
        GateGrain.Release(key);
        await holder;
    }
}
