using OrleansConsistency.TestGrains;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Storage.Tests.Calls;

/// <summary>A silo whose activations may hold at most two waiting calls.</summary>
public sealed class SmallMailboxFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; } = new TestClusterBuilder()
        .AddGrains(typeof(CounterGrain).Assembly)
        .ConfigureSilo(options => options.MaxMailboxLength = 2)
        .Build();

    public Task InitializeAsync() => Cluster.DeployAsync();

    public Task DisposeAsync() => Cluster.DisposeAsync().AsTask();
}

public sealed class MailboxBoundTests(SmallMailboxFixture fixture) : IClassFixture<SmallMailboxFixture>
{
    [Fact]
    public async Task CallsPastTheMailboxBound_AreRefusedAtOnce_AndNeverRun()
    {
        var grain = fixture.Cluster.GrainFactory.GetGrain<ISlowGrain>(Guid.NewGuid().ToString());
        await grain.Ping();

        // One call holds the grain; at most two more can wait behind it (three, if the first was not taken yet, counting it).
        var holder = grain.Delay(TimeSpan.FromMilliseconds(500));
        var others = Enumerable.Range(0, 5).Select(_ => grain.Delay(TimeSpan.FromMilliseconds(1))).ToList();
        var outcomes = await Task.WhenAll(others.Select(Outcome));

        var refused = outcomes.OfType<GrainOverloadedException>().ToList();
        Assert.True(refused.Count >= 3, $"refused {refused.Count} of 5");
        Assert.All(refused, r => Assert.Equal(2, r.MailboxLength));
        Assert.Equal(5, outcomes.Length);
        await holder;

        // Exactly the accepted calls ran: a refused one was never queued, so it never starts later either.
        Assert.Equal(1 + outcomes.Count(o => o is null), await grain.CountStartedCalls());
    }

    [Fact]
    public async Task InterleavingCalls_AreNotHeldByAFullMailbox()
    {
        var grain = fixture.Cluster.GrainFactory.GetGrain<ISlowGrain>(Guid.NewGuid().ToString());
        await grain.Ping();
        var calls = Enumerable.Range(0, 4).Select(_ => grain.Delay(TimeSpan.FromMilliseconds(300))).ToList();

        Assert.Equal("pong", await grain.Ping());

        await Task.WhenAll(calls.Select(Outcome));
        Assert.Equal("done", await grain.Delay(TimeSpan.FromMilliseconds(1)));
    }

    private static async Task<Exception?> Outcome(Task call)
    {
        try
        {
            await call;
            return null;
        }
        catch (GrainOverloadedException exception)
        {
            return exception;
        }
    }
}
