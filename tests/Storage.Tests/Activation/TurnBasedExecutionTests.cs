using OrleansConsistency.TestGrains;

namespace OrleansConsistency.Storage.Tests.Activation;

/// <summary>
/// The product relies on Orleans' turn-based execution: a grain that is not reentrant runs one call at a time, so a
/// resource never sees two intents at once; reentrancy and interleaving are opt-in.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TurnBasedExecutionTests(ClusterFixture fixture)
{
    [Fact]
    public async Task ThousandConcurrentCalls_ToOneGrain_RunOneAtATimeInArrivalOrder()
    {
        var grain = fixture.GrainFactory.GetGrain<ISequenceGrain>(Guid.NewGuid().ToString());
        await grain.GetAll(); // Activated first: the calls below then queue on one activation in the order issued.

        // Issued without awaiting in between from one client: the order of issue is the order of arrival.
        var calls = Enumerable.Range(0, 1000).Select(grain.Append).ToArray();
        await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 1000), await grain.GetAll());
        Assert.Equal(1, await grain.GetMaxConcurrency());
    }

    [Fact]
    public async Task NonReentrantGrain_SecondCallWaitsForTheFirst()
    {
        var grain = fixture.GrainFactory.GetGrain<ISlowGrain>(Guid.NewGuid().ToString());
        var first = grain.Delay(TimeSpan.FromMilliseconds(400));
        var second = grain.Delay(TimeSpan.FromMilliseconds(1));

        var finishedFirst = await Task.WhenAny(first, second);

        Assert.Same(first, finishedFirst);
        await second;
    }

    [Fact]
    public async Task BusyGrain_DoesNotHoldCallsToAnotherGrain()
    {
        var busy = fixture.GrainFactory.GetGrain<ISlowGrain>(Guid.NewGuid().ToString());
        var other = fixture.GrainFactory.GetGrain<ISlowGrain>(Guid.NewGuid().ToString());
        await Task.WhenAll(busy.Ping(), other.Ping());
        var longCall = busy.Delay(TimeSpan.FromSeconds(5));

        var shortCall = other.Delay(TimeSpan.FromMilliseconds(1));
        var finishedFirst = await Task.WhenAny(longCall, shortCall);

        Assert.Same(shortCall, finishedFirst);
        await longCall;
    }

    [Fact]
    public async Task ReentrantGrain_CallsInterleave()
    {
        var grain = fixture.GrainFactory.GetGrain<IReentrantSlowGrain>(Guid.NewGuid().ToString());
        var first = grain.Delay(TimeSpan.FromSeconds(5));
        var second = grain.Delay(TimeSpan.FromMilliseconds(1));

        var finishedFirst = await Task.WhenAny(first, second);

        Assert.Same(second, finishedFirst);
        await first;
    }

    [Fact]
    public async Task AlwaysInterleaveMethod_RunsWhileALongCallHoldsTheGrain()
    {
        var grain = fixture.GrainFactory.GetGrain<ISlowGrain>(Guid.NewGuid().ToString());
        await grain.Ping();
        var longCall = grain.Delay(TimeSpan.FromSeconds(5));

        var ping = grain.Ping();
        var finishedFirst = await Task.WhenAny(longCall, ping);

        Assert.Same(ping, finishedFirst);
        Assert.Equal("pong", await ping);
        await longCall;
    }
}
