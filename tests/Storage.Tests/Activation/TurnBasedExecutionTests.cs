using System.Diagnostics;
using OrleansConsistency.TestGrains;

namespace OrleansConsistency.Storage.Tests.Activation;

[Collection(ClusterCollection.Name)]
public sealed class TurnBasedExecutionTests(ClusterFixture fixture)
{
    [Fact]
    public async Task ThousandConcurrentCalls_ToOneGrain_RunOneAtATimeInArrivalOrder()
    {
        var grain = fixture.GrainFactory.GetGrain<ISequenceGrain>(Guid.NewGuid().ToString());

        // Issued without awaiting in between: the order of issue is the order of arrival.
        var calls = Enumerable.Range(0, 1000).Select(grain.Append).ToArray();
        await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 1000), await grain.GetAll());
        Assert.Equal(1, await grain.GetMaxConcurrency());
    }

    [Fact]
    public async Task CallsToHundredGrains_RunConcurrently_FarBelowTheSumOfTheirDurations()
    {
        var delay = TimeSpan.FromMilliseconds(300);
        var grains = Enumerable.Range(0, 100).Select(_ => fixture.GrainFactory.GetGrain<ISlowGrain>(Guid.NewGuid().ToString())).ToArray();

        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(grains.Select(g => g.Delay(delay)));
        stopwatch.Stop();

        var sum = delay * grains.Length;
        Assert.True(stopwatch.Elapsed < sum / 5, $"100 calls of {delay.TotalMilliseconds} ms took {stopwatch.Elapsed.TotalMilliseconds:F0} ms; serially they would take {sum.TotalMilliseconds} ms.");
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

    [Fact]
    public async Task GrainReference_IsCheapAndNamesItsGrain()
    {
        var first = fixture.GrainFactory.GetGrain<ICounterGrain>("same");
        var second = fixture.GrainFactory.GetGrain<ICounterGrain>("same");

        Assert.Equal(first, second);
        Assert.Equal("counter/same", first.ToString());
    }
}
