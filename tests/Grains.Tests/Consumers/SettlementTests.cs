using Microsoft.Extensions.DependencyInjection;
using OrleansConsistency.Grains.Consumers;
using OrleansConsistency.Grains.Interfaces.Consumers;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.ReadModel;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Grains.Resources;
using OrleansConsistency.Storage;
using OrleansConsistency.TestSupport;
using static OrleansConsistency.Grains.Tests.ResourceCluster;

namespace OrleansConsistency.Grains.Tests.Consumers;

public sealed class SettlementTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task RequiredConsumers_SettleEveryIntent_AndTheReadModelHasTheLatestVersion(string provider)
    {
        var history = new TestConsumer("history");
        await using var cluster = await StartAsync(provider, configure: builder => WithConsumers(builder, history, readModel: true));
        var resource = cluster.Resource("orders", "o1");

        var results = new List<IntentResult>();
        for (var i = 0; i < 5; i++)
        {
            results.Add(await resource.Submit(Intent(IntentOperation.Increment, """{"n":1}""")));
        }

        var last = await resource.WaitForIntentStatus(results[^1].Status.IdempotencyKey, Patience);
        Assert.Equal(IntentState.Settled, last?.State);
        Assert.Equal(5, last?.SettledVersion);
        Assert.All(last!.Timeline, stage => Assert.Equal(IntentStageState.Done, stage.State));
        Assert.Equal(["received", "applied", "consumer:history", "consumer:read-model", "settled"], last.Timeline.Select(s => s.Name));
        var projected = await cluster.Primary.Services.GetRequiredService<IResourceReadModel>().GetAsync(ResourceKey.Create("orders", "o1"));
        Assert.Equal(5, projected?.Version);
        Assert.Equal(5, projected?.Document?.GetProperty("n").GetInt32());
        Assert.Equal(Enumerable.Range(1, 5).Select(v => (long)v), history.Order.Where(o => o.Resource == "orders/o1").Select(o => o.Version));
        var checkpoints = cluster.Primary.Services.GetRequiredService<IConsumerCheckpointStore>();
        Assert.Equal(5, await checkpoints.GetAsync("read-model", "orders/o1"));
        Assert.Equal(5, await checkpoints.GetAsync("history", "orders/o1"));
    }

    [Fact]
    public async Task ACheckpointingConsumer_MovesItsCheckpointItself_TheRunnerWritesNoneOfItsOwn()
    {
        // This consumer reports checkpoints it never writes, so any stored checkpoint would be the runner's.
        var audit = new ReportingOnlyConsumer("audit");
        await using var cluster = await StartAsync("sqlite", configure: builder => WithConsumers(builder, audit, readModel: false));
        var resource = cluster.Resource("orders", "o6");
        var results = new List<IntentResult>();
        for (var i = 0; i < 3; i++)
        {
            results.Add(await resource.Submit(Intent(IntentOperation.Increment, """{"n":1}""")));
        }

        Assert.Equal(IntentState.Settled, (await resource.WaitForIntentStatus(results[^1].Status.IdempotencyKey, Patience))?.State);
        Assert.Equal([1L, 2L, 3L], audit.Checkpoints.Select(c => c.Version));
        Assert.All(audit.Checkpoints, checkpoint => Assert.Equal(("audit", "orders/o6"), (checkpoint.Consumer, checkpoint.ResourceId)));
        Assert.Null(await cluster.Primary.Services.GetRequiredService<IConsumerCheckpointStore>().GetAsync("audit", "orders/o6"));
    }

    [Fact]
    public async Task ConsumerDownForThreeSeconds_HoldsIntentsInProgressNamingIt_ThenEverythingSettlesOnce()
    {
        var history = new TestConsumer("history") { Down = true };
        await using var cluster = await StartAsync("sqlite", configure: builder => WithConsumers(builder, history, readModel: false));
        var resource = cluster.Resource("orders", "o2");

        var results = new List<IntentResult>();
        for (var i = 0; i < 10; i++)
        {
            results.Add(await resource.Submit(Intent(IntentOperation.Increment, """{"n":1}""")));
        }

        var held = await WaitUntilAsync(() => resource.GetIntentStatus(results[0].Status.IdempotencyKey), s => s?.Timeline.Single(t => t.Name == "consumer:history").Attempts >= 2);
        Assert.Equal(IntentState.InProgress, held!.State);
        Assert.Contains("the order history", held.Message, StringComparison.Ordinal);
        var stage = held.Timeline.Single(t => t.Name == "consumer:history");
        Assert.Equal(IntentStageState.Waiting, stage.State);
        Assert.Contains("the order history service is down", stage.Detail, StringComparison.Ordinal);
        Assert.NotNull(held.ExpectedSettleBy);

        await Task.Delay(TimeSpan.FromSeconds(3));
        history.Down = false;

        foreach (var result in results)
        {
            Assert.Equal(IntentState.Settled, (await resource.WaitForIntentStatus(result.Status.IdempotencyKey, Patience))?.State);
        }

        Assert.Equal(Enumerable.Range(1, 10).Select(v => (long)v), history.Order.Select(o => o.Version));
        Assert.All(history.Handled.Values, count => Assert.Equal(1, count));
        Assert.True(results[0].Status.Timeline.Count > 0);
    }

    [Fact]
    public async Task PoisonEvent_FailsOnlyItsIntent_LaterIntentsSettle_AndAnOperatorRetryRecoversIt()
    {
        var history = new TestConsumer("history");
        history.Poison("orders/o3", 2);
        await using var cluster = await StartAsync("sqlite", configure: builder => WithConsumers(builder, history, readModel: false));
        var resource = cluster.Resource("orders", "o3");
        var results = new List<IntentResult>();
        for (var i = 0; i < 3; i++)
        {
            results.Add(await resource.Submit(Intent(IntentOperation.Increment, """{"n":1}""")));
        }

        var failed = await resource.WaitForIntentStatus(results[1].Status.IdempotencyKey, Patience);
        var later = await resource.WaitForIntentStatus(results[2].Status.IdempotencyKey, Patience);

        Assert.Equal(IntentState.Failed, failed?.State);
        Assert.Equal("consumer-failed", failed?.Code);
        Assert.Contains("an operator can retry", failed?.Message, StringComparison.Ordinal);
        Assert.Equal(IntentStageState.Failed, failed!.Timeline.Single(t => t.Name == "consumer:history").State);
        Assert.Equal(IntentState.Settled, later?.State);

        history.Cure("orders/o3", 2);
        var retried = await cluster.Primary.Services.GetRequiredService<IConsumerControl>().RetryAsync("history", ResourceKey.Create("orders", "o3"));

        Assert.Equal(1, retried);
        Assert.Equal(IntentState.Settled, (await resource.GetIntentStatus(results[1].Status.IdempotencyKey))?.State);
    }

    [Fact]
    public async Task AfterASiloRestart_TheConsumerResumesFromItsCheckpoint_WithNoGap()
    {
        var history = new TestConsumer("history");
        await using var cluster = await StartAsync("sqlite", configure: builder => WithConsumers(builder, history, readModel: false));
        cluster.Primary.Services.GetRequiredService<IConsumerControl>().PauseConsumer("history");
        var keys = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            keys.Add((await cluster.Resource("orders", "o4").Submit(Intent(IntentOperation.Increment, """{"n":1}"""))).Status.IdempotencyKey);
        }

        await cluster.RestartPrimaryAsync();

        Assert.Equal(IntentState.Settled, (await cluster.Resource("orders", "o4").WaitForIntentStatus(keys[^1], Patience))?.State);
        Assert.Equal(Enumerable.Range(1, 5).Select(v => (long)v), history.Order.Select(o => o.Version));
    }

    [Fact]
    public async Task WaitForIntentStatus_ReturnsTheInProgressStatusAfterTheWait_WhenARequiredConsumerIsPaused()
    {
        var history = new TestConsumer("history");
        await using var cluster = await StartAsync("sqlite", configure: builder => WithConsumers(builder, history, readModel: false));
        cluster.Primary.Services.GetRequiredService<IConsumerControl>().PauseConsumer("history");
        var resource = cluster.Resource("orders", "o5");
        var result = await resource.Submit(Intent(IntentOperation.Set, """{"a":1}"""));

        var status = await resource.WaitForIntentStatus(result.Status.IdempotencyKey, TimeSpan.FromMilliseconds(500));

        Assert.Equal(IntentState.InProgress, status?.State);
        Assert.Equal(0, status?.SettledVersion);
    }

    [Fact]
    public async Task APausedConsumer_IsReportedAtOnce_AsPausedByAnOperator_InPlainWords()
    {
        var history = new TestConsumer("history");
        await using var cluster = await StartAsync("sqlite", configure: builder => WithConsumers(builder, history, readModel: false));
        var control = cluster.Primary.Services.GetRequiredService<IConsumerControl>();
        control.PauseConsumer("history");
        var resource = cluster.Resource("orders", "p3");
        var key = (await resource.Submit(Intent(IntentOperation.Set, """{"a":1}"""))).Status.IdempotencyKey;

        // Well within the staleness bound: the status says it is paused, not that it is taking long.
        var paused = await WaitUntilAsync(() => resource.GetIntentStatus(key), s => s?.Code == "applied-delayed");
        Assert.Equal(IntentState.InProgress, paused!.State);
        Assert.Contains("updating the order history is paused by an operator", paused.Message, StringComparison.Ordinal);
        Assert.Contains("will appear in the order history when they resume it", paused.Message, StringComparison.Ordinal);
        var stage = paused.Timeline.Single(t => t.Name == "consumer:history");
        Assert.Equal("Updating the order history", stage.Label);
        Assert.Equal("Paused by an operator; it goes on when they resume it.", stage.Detail);
        Assert.Equal(["Received", "Saved", "Updating the order history", "Up to date everywhere"], paused.Timeline.Select(t => t.Label));

        control.ResumeConsumer("history");
        var settled = await resource.WaitForIntentStatus(key, Patience);
        Assert.Equal(IntentState.Settled, settled?.State);
        Assert.Null(settled!.Timeline.Single(t => t.Name == "consumer:history").Detail);
    }

    [Fact]
    public async Task APausedConsumer_HoldsIntentsInProgress_ThenAResumeSettlesEveryOne_EachVersionOnceInOrder()
    {
        var history = new TestConsumer("history");
        await using var cluster = await StartAsync("sqlite", configure: builder => WithConsumers(builder, history, readModel: false));
        var control = cluster.Primary.Services.GetRequiredService<IConsumerControl>();
        control.PauseConsumer("history");
        var last = new Dictionary<string, string>();
        foreach (var id in new[] { "p1", "p2" })
        {
            for (var i = 0; i < 5; i++)
            {
                last[id] = (await cluster.Resource("orders", id).Submit(Intent(IntentOperation.Increment, """{"n":1}"""))).Status.IdempotencyKey;
            }
        }

        Assert.Equal(IntentState.InProgress, (await cluster.Resource("orders", "p1").WaitForIntentStatus(last["p1"], TimeSpan.FromMilliseconds(500)))?.State);
        Assert.Empty(history.Handled);

        control.ResumeConsumer("history");

        foreach (var (id, key) in last)
        {
            Assert.Equal(IntentState.Settled, (await cluster.Resource("orders", id).WaitForIntentStatus(key, Patience))?.State);
            Assert.Equal(Enumerable.Range(1, 5).Select(v => (long)v), history.Order.Where(o => o.Resource == $"orders/{id}").Select(o => o.Version));
        }

        Assert.All(history.Handled, handled => Assert.Equal(1, handled.Value));
    }

    private static void WithConsumers(ProductClusterBuilder builder, IResourceConsumer consumer, bool readModel) =>
        builder.ConfigureServices(services =>
        {
            services.AddSingleton(consumer);
            services.Configure<ConsumersOptions>(options =>
            {
                options.SweepInterval = TimeSpan.FromMilliseconds(500);
                options.Consumers[consumer.Name] = new ConsumerOptions
                {
                    DisplayName = "the order history",
                    RetryDelay = TimeSpan.FromMilliseconds(50),
                    MaxRetryDelay = TimeSpan.FromMilliseconds(400),
                    BreakerDuration = TimeSpan.FromMilliseconds(500),
                    BreakerMinimumThroughput = 5,
                };
                if (readModel)
                {
                    options.Consumers["read-model"] = new ConsumerOptions { Kind = "read-model" };
                }
            });
            services.Configure<ResourcesOptions>(options =>
            {
                options.Defaults.RequiredConsumers.Add(consumer.Name);
                if (readModel)
                {
                    options.Defaults.RequiredConsumers.Add("read-model");
                }
            });
        });

    private static async Task<T> WaitUntilAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            await Task.Delay(50, timeout.Token);
        }
    }
}
