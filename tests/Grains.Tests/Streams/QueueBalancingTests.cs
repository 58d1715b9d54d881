using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using OrleansConsistency.Grains.Consumers;
using OrleansConsistency.Grains.Interfaces.Consumers;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Grains.Interfaces.Streams;
using OrleansConsistency.Grains.Resources;
using OrleansConsistency.Grains.Tests.Consumers;
using OrleansConsistency.Storage;
using OrleansConsistency.Storage.Streams;
using OrleansConsistency.TestSupport;
using Xunit.Abstractions;
using static OrleansConsistency.Grains.Tests.ResourceCluster;

namespace OrleansConsistency.Grains.Tests.Streams;

/// <summary>
/// Two silos on PostgreSQL share the stream queues through Orleans' queue balancer: each queue is read by one silo.
/// When the silo reading a queue stops or dies, Orleans' membership notices, the survivor reads the queue from its
/// checkpoint, and every event committed before, during and after is handled by every consumer, each version once,
/// and every intent settles.
/// </summary>
public sealed class QueueBalancingTests(ITestOutputHelper output)
{
    private const int Resources = 32;
    private static readonly string[] ConsumerNames = ["history", "audit"];
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WhenTheSiloReadingAQueueGoes_TheSurvivorReadsIt_AndEveryEventIsHandledOnceByEveryConsumer(bool kill)
    {
        var consumers = ConsumerNames.Select(name => new TestConsumer(name)).ToList();
        await using var cluster = await StartClusterAsync(consumers);
        var first = cluster.Silos[0];
        var victim = cluster.Silos[1];
        await WaitUntilAsync(() => Queues(first).Count > 0 && Queues(victim).Count > 0 && Queues(first).Union(Queues(victim)).Count() == QueueCount(first), "both silos to read queues");
        Assert.Empty(Queues(first).Intersect(Queues(victim)));
        var victimQueues = Queues(victim).ToList();
        output.WriteLine($"queues read by {first.Name}: {string.Join(", ", Queues(first).Order())}; by {victim.Name}: {string.Join(", ", victimQueues.Order())}");

        // Resources on both silos, so that the victim also owns resources (their grains move too).
        var keys = Enumerable.Range(0, Resources).Select(i => ResourceKey.Create("orders", $"q-{i}")).ToList();
        var victimQueueKeys = keys.Where(k => victimQueues.Contains(EventQueuesOf(first).QueueOf(ResourceStreams.Of(k)))).ToList();
        Assert.NotEmpty(victimQueueKeys);
        var ledger = new Ledger();
        await SubmitRoundAsync(cluster.Silos, keys, ledger);

        // Commits continue through the survivor while the victim goes and after.
        using var stopWriting = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            while (!stopWriting.IsCancellationRequested)
            {
                await SubmitRoundAsync([first], keys, ledger);
            }
        });
        await Task.Delay(300);
        if (kill)
        {
            await cluster.KillSiloAsync(victim);
        }
        else
        {
            await cluster.StopSiloAsync(victim);
        }

        await WaitUntilAsync(() => Queues(first).Count == QueueCount(first), "the survivor to read every queue");
        Assert.All(victimQueues, queue => Assert.Contains(queue, Queues(first)));
        await Task.Delay(1000);
        await stopWriting.CancelAsync();
        await writer;
        await SubmitRoundAsync([first], keys, ledger);
        output.WriteLine($"{ledger.Count} intents over {Resources} resources ({victimQueueKeys.Count} on the victim's queues)");

        // Every intent settles, which needs every consumer to have handled its version.
        var resources = first.GrainFactory;
        foreach (var (key, idempotencyKey) in ledger.Intents)
        {
            var status = await resources.GetGrain<IResourceGrain>(key.GrainKey).WaitForIntentStatus(idempotencyKey, Patience);
            Assert.True(status?.State == IntentState.Settled, $"{key} intent {idempotencyKey}: {status?.State}");
        }

        // Every version of every resource was handled by every consumer, in order: exactly once when the silo stopped.
        // A killed silo may have handled a version without its checkpoint becoming durable (a consumer without its
        // own checkpoint is at least once): that one version, and only it, is handled again right after by the survivor.
        var again = 0;
        foreach (var key in keys)
        {
            var head = (await resources.GetGrain<IResourceGrain>(key.GrainKey).GetSnapshot()).Version;
            Assert.Equal(ledger.CountOf(key), head);
            foreach (var consumer in consumers)
            {
                var handled = consumer.Order.Where(o => o.Resource == key.GrainKey).Select(o => o.Version).ToList();
                var repeated = handled.Where((version, i) => i > 0 && handled[i - 1] == version).ToList();
                var once = handled.Where((version, i) => i == 0 || handled[i - 1] != version);
                var expected = Enumerable.Range(1, (int)head).Select(v => (long)v);
                Assert.True(
                    once.SequenceEqual(expected) && repeated.Count <= (kill ? 1 : 0),
                    $"{consumer.Name} on {key}: expected 1..{head}{(kill ? " (one version at most twice in a row)" : " once each")}, got [{string.Join(", ", handled)}]");
                again += repeated.Count;
            }
        }

        output.WriteLine($"versions handled again after the {(kill ? "kill" : "stop")}: {again}");
    }

    private static IReadOnlyCollection<int> Queues(ProductSilo silo) => EventQueuesOf(silo).LocalQueues;

    private static EventQueues EventQueuesOf(ProductSilo silo) => silo.Services.GetRequiredKeyedService<EventQueues>(ResourceStreams.ProviderName);

    private static int QueueCount(ProductSilo silo) => EventQueuesOf(silo).Mapper.GetAllQueues().Count();

    private static async Task<ProductCluster> StartClusterAsync(IReadOnlyList<TestConsumer> consumers)
    {
        var cluster = await StartAsync(StorageOptions.PostgresProvider, silos: 2, builder => builder
            .ConfigureSilo(options =>
            {
                options.Cluster.Enabled = true;
                options.DefaultCallTimeout = TimeSpan.FromSeconds(10);
            })
            .ConfigureServices(services =>
            {
                // Orleans' failure detection, fast: a killed silo is declared dead within a few seconds.
                services.PostConfigure<ClusterMembershipOptions>(options =>
                {
                    options.ProbeTimeout = TimeSpan.FromMilliseconds(500);
                    options.NumMissedProbesLimit = 2;
                    options.NumVotesForDeathDeclaration = 1;
                    options.TableRefreshTimeout = TimeSpan.FromSeconds(1);
                    options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
                });
                services.AddRequiredTestConsumers(consumers);
            }));
        return cluster;
    }

    /// <summary>One intent per resource, through the given silos; each acknowledged intent goes into the ledger.</summary>
    private static Task SubmitRoundAsync(IReadOnlyList<ProductSilo> through, List<ResourceKey> keys, Ledger ledger) =>
        Parallel.ForEachAsync(Enumerable.Range(0, keys.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var silo = through[i % through.Count];
            var grain = silo.GrainFactory.GetGrain<IResourceGrain>(keys[i].GrainKey);
            var intent = Intent(IntentOperation.Increment, """{"n":1}""");
            await silo.PlacedOnAsync(() => SubmitWithRetriesAsync(grain, intent));
            ledger.Add(keys[i], intent.IdempotencyKey);
        });

    /// <summary>
    /// Like a client: a call that reached a silo that is going (or a grain whose silo is not yet declared dead) fails
    /// or times out, and is sent again with the same key (intents are idempotent, so it is applied once).
    /// </summary>
    private static async Task<IntentResult> SubmitWithRetriesAsync(IResourceGrain grain, Intent intent)
    {
        using var limit = new CancellationTokenSource(Patience);
        while (true)
        {
            try
            {
                return await grain.Submit(intent);
            }
            catch (Exception ex) when (ex is SiloUnavailableException or TimeoutException or OrleansMessageRejectionException or StorageUnavailableException or OrleansException
                && !limit.IsCancellationRequested)
            {
                await Task.Delay(100, CancellationToken.None);
            }
        }
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what) => ResourceCluster.WaitUntilAsync(condition, what, Patience);

    /// <summary>The intents acknowledged, per resource.</summary>
    private sealed class Ledger
    {
        private readonly ConcurrentQueue<(ResourceKey Key, string IdempotencyKey)> _intents = new();

        public IEnumerable<(ResourceKey Key, string IdempotencyKey)> Intents => _intents;

        public int Count => _intents.Count;

        public void Add(ResourceKey key, string idempotencyKey) => _intents.Enqueue((key, idempotencyKey));

        public long CountOf(ResourceKey key) => _intents.Count(i => i.Key == key);
    }
}
