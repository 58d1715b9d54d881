using OrleansConsistency.Storage.Tests.Grains;

namespace OrleansConsistency.Storage.Tests.Calls;

/// <summary>
/// <c>Silo:MaxMailboxLength</c> is Orleans' <c>MaxEnqueuedRequestsHardLimit</c>: a call that finds that many calls
/// already waiting in an activation is refused at once with <see cref="LimitExceededException"/> and never runs, so a
/// hot grain sheds load instead of queueing until every caller times out.
/// </summary>
public sealed class MailboxBoundTests(SmallMailboxFixture fixture) : IClassFixture<SmallMailboxFixture>
{
    private const int Extra = 5;
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task CallsPastTheMailboxBound_AreRefusedAtOnce_AndNeverRun()
    {
        var key = Guid.NewGuid().ToString();
        var grain = fixture.Cluster.GrainFactory.GetGrain<IGateGrain>(key);
        var holder = grain.Hold();
        await GateGrain.WhenHolding(key).WaitAsync(WaitLimit);

        // MailboxLength calls may wait behind the running holder; the rest are refused while it still holds the grain:
        // at once, not after waiting for a turn.
        var others = Enumerable.Range(0, Extra).Select(_ => Outcome(grain.Work())).ToList();
        var refused = new List<object?>();
        var pending = others.ToList();
        while (refused.Count < Extra - SmallMailboxFixture.MailboxLength)
        {
            var done = await Task.WhenAny(pending).WaitAsync(WaitLimit);
            pending.Remove(done);
            refused.Add(await done);
        }

        Assert.False(holder.IsCompleted);
        Assert.All(refused, outcome =>
        {
            var limit = Assert.IsType<LimitExceededException>(outcome);
            Assert.Contains("MaxEnqueuedRequestsHardLimit", limit.Message, StringComparison.Ordinal);
        });

        GateGrain.Release(key);
        await holder.WaitAsync(WaitLimit);
        Assert.All(await Task.WhenAll(pending).WaitAsync(WaitLimit), outcome => Assert.Equal("done", outcome));

        // Exactly the accepted calls ran: a refused call was never queued, so it does not run later either.
        Assert.Equal(SmallMailboxFixture.MailboxLength, GateGrain.WorkRuns(key));
    }

    [Fact]
    public async Task GrainThatRefusedCalls_ServesAgainOnceItsMailboxDrains()
    {
        var key = Guid.NewGuid().ToString();
        var grain = fixture.Cluster.GrainFactory.GetGrain<IGateGrain>(key);
        var holder = grain.Hold();
        await GateGrain.WhenHolding(key).WaitAsync(WaitLimit);
        var calls = Enumerable.Range(0, Extra).Select(_ => Outcome(grain.Work())).ToList();
        Assert.IsType<LimitExceededException>(await await Task.WhenAny(calls).WaitAsync(WaitLimit));

        GateGrain.Release(key);
        await Task.WhenAll(calls).WaitAsync(WaitLimit);
        await holder;

        Assert.Equal("done", await grain.Work());
        Assert.Equal("pong", await grain.Ping());
    }

    private static async Task<object?> Outcome(Task<string> call)
    {
        try
        {
            return await call;
        }
        catch (LimitExceededException exception)
        {
            return exception;
        }
    }
}
