using System.Diagnostics;
using OrleansConsistency.Grains.Consumers;
using OrleansConsistency.Grains.Interfaces.Deadlines;
using OrleansConsistency.Grains.Interfaces.Resources;
using Polly;
using Polly.Registry;
using Polly.Timeout;

namespace OrleansConsistency.Grains.Tests.Consumers;

/// <summary>A consumer's (dependency's) attempt made inside a call chain with a deadline gets only the time left.</summary>
public sealed class ConsumerDeadlineTests
{
    [Fact]
    public async Task AttemptInsideACallChainWithADeadline_GetsOnlyTheTimeLeft_NotItsOwnTimeout()
    {
        var pipeline = ConsumerPipeline.Build(
            new ResiliencePipelineRegistry<string>(),
            "checkout",
            new ConsumerOptions { AttemptTimeout = TimeSpan.FromSeconds(30), MaxAttempts = 1 },
            TimeProvider.System,
            _ => { },
            (_, _, _) => ValueTask.CompletedTask);
        var attempts = new DeliveryAttempts(new ResourceKey("carts", "c-1"), 1);
        var context = ResilienceContextPool.Shared.Get(CancellationToken.None);
        context.Properties.Set(ConsumerPipeline.Attempts, attempts);
        var cancelled = false;
        var stopwatch = Stopwatch.StartNew();

        using (CallDeadline.WithTimeout(TimeSpan.FromMilliseconds(200)))
        {
            await Assert.ThrowsAsync<TimeoutRejectedException>(() => pipeline.ExecuteAsync(
                async (ctx, state) =>
                {
                    state.Count++;
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(30), ctx.CancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        cancelled = true;
                        throw;
                    }
                },
                context,
                attempts).AsTask());
        }

        ResilienceContextPool.Shared.Return(context);

        // The dependency call was cancelled when the chain's time ran out, long before its own 30 s attempt timeout.
        Assert.True(cancelled);
        Assert.Equal(1, attempts.Count);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15), $"took {stopwatch.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public void Bound_ShortensATimeoutToTheTimeLeft_AndLeavesItAloneWithoutADeadline()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), CallDeadline.Bound(TimeSpan.FromSeconds(30)));
        Assert.Null(CallDeadline.TimeLeft());

        using (CallDeadline.WithTimeout(TimeSpan.FromSeconds(1)))
        {
            Assert.True(CallDeadline.Bound(TimeSpan.FromSeconds(30)) <= TimeSpan.FromSeconds(1));
            Assert.Equal(TimeSpan.FromMilliseconds(1), CallDeadline.Bound(TimeSpan.FromMilliseconds(1)));
        }

        using (CallDeadline.WithDeadline(DateTimeOffset.UtcNow.AddSeconds(-1)))
        {
            Assert.Equal(TimeSpan.Zero, CallDeadline.TimeLeft());
        }
    }
}
