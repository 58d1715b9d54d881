using System.Diagnostics;
using OrleansConsistency.TestGrains;

namespace OrleansConsistency.Storage.Tests.Calls;

[Collection(ClusterCollection.Name)]
public sealed class DeadlineTests(ClusterFixture fixture)
{
    [Fact]
    public async Task CallWhoseDeadlinePassedInTheQueue_IsNotStarted_AndSaysSo()
    {
        var grain = fixture.GrainFactory.GetGrain<ISlowGrain>(Guid.NewGuid().ToString());
        var holder = grain.Delay(TimeSpan.FromMilliseconds(600));

        Task<string> late;
        using (RequestContext.WithTimeout(TimeSpan.FromMilliseconds(100)))
        {
            late = grain.Delay(TimeSpan.FromMilliseconds(1));
        }

        var exception = await Assert.ThrowsAsync<DeadlineExceededException>(() => late);
        Assert.False(exception.Started);
        await holder;
        Assert.Equal(1, await grain.CountStartedCalls());
    }

    [Fact]
    public async Task CallRunningPastItsDeadline_FailsForTheCallerWithinTheDeadline()
    {
        var grain = fixture.GrainFactory.GetGrain<ISlowGrain>(Guid.NewGuid().ToString());
        await grain.Ping();
        var stopwatch = Stopwatch.StartNew();

        using (RequestContext.WithTimeout(TimeSpan.FromMilliseconds(200)))
        {
            var exception = await Assert.ThrowsAsync<DeadlineExceededException>(() => grain.Delay(TimeSpan.FromSeconds(5)));
            Assert.Contains("deadline", exception.Message, StringComparison.Ordinal);
            Assert.True(exception.Started);
        }

        // The caller is answered at its deadline, not when the grain finishes 5 s later.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"took {stopwatch.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task CancellationTokenParameter_IsCancelledAtTheDeadline()
    {
        var grain = fixture.GrainFactory.GetGrain<ISlowGrain>(Guid.NewGuid().ToString());
        await grain.Ping();
        var stopwatch = Stopwatch.StartNew();

        // Long enough that the call starts even on a loaded machine; far shorter than the 10 s the grain would wait.
        using (RequestContext.WithTimeout(TimeSpan.FromSeconds(1)))
        {
            try
            {
                await grain.WaitForDeadline(TimeSpan.FromSeconds(10), CancellationToken.None);
            }
            catch (TimeoutException)
            {
                // Either the grain's own answer or the caller's timeout may come first; both are right.
            }
        }

        // Non-reentrant: this waits until WaitForDeadline has ended, which is at the deadline, not after 10 s.
        Assert.True(await grain.SawCancellation());
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(8), $"took {stopwatch.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task DeadlineAndRequestContext_FlowIntoTheGrainAndItsCalls()
    {
        var grain = fixture.GrainFactory.GetGrain<ILifecycleGrain>(Guid.NewGuid().ToString());
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);

        string? relayed;
        DateTimeOffset? seen;
        using (RequestContext.WithDeadline(deadline))
        {
            RequestContext.Set("correlation-id", "abc-123");
            relayed = await grain.RelayContext(Guid.NewGuid().ToString(), "correlation-id");
            seen = await grain.ReadDeadline();
            RequestContext.Remove("correlation-id");
        }

        Assert.Equal("abc-123", relayed);
        Assert.Equal(deadline, seen);
    }

    [Fact]
    public async Task WithoutAScope_CallsGetTheDefaultThirtySecondDeadline()
    {
        var grain = fixture.GrainFactory.GetGrain<ILifecycleGrain>(Guid.NewGuid().ToString());
        var before = DateTimeOffset.UtcNow;

        var seen = await grain.ReadDeadline();

        Assert.NotNull(seen);
        Assert.InRange(seen.Value - before, TimeSpan.FromSeconds(29), TimeSpan.FromSeconds(31));
    }

    [Fact]
    public void InnerScope_CannotExtendTheInheritedDeadline()
    {
        using (RequestContext.WithTimeout(TimeSpan.FromSeconds(1)))
        {
            var outer = RequestContext.Deadline;
            using (RequestContext.WithTimeout(TimeSpan.FromMinutes(5)))
            {
                Assert.Equal(outer, RequestContext.Deadline);
            }
        }

        Assert.Null(RequestContext.Deadline);
    }
}
