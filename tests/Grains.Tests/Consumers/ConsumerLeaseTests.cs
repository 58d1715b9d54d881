using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Runtime;
using OrleansConsistency.Grains.Consumers;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Grains.Resources;
using OrleansConsistency.Storage.Cluster.Leases;
using OrleansConsistency.Storage.Cluster.Membership;
using OrleansConsistency.Silo.Hosting;
using OrleansConsistency.Storage;
using OrleansConsistency.TestSupport;
using Xunit.Abstractions;
using static OrleansConsistency.Grains.Tests.ResourceCluster;

namespace OrleansConsistency.Grains.Tests.Consumers;

/// <summary>
/// Three real silos on PostgreSQL share the consumers by leases: every partition of a consumer is handled by exactly
/// one live silo, the leases are spread, and when a silo stops or is cut off from the database the others take its
/// partitions over and consume what was committed meanwhile.
/// </summary>
public sealed class ConsumerLeaseTests(ITestOutputHelper output)
{
    private const int Partitions = 16;
    private static readonly string[] ConsumerNames = ["history", "read-model"];
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Each_partition_is_leased_by_one_live_silo_the_leases_are_spread_and_a_stopped_silos_partitions_are_taken_over()
    {
        var history = new TestConsumer("history");
        await using var cluster = await StartClusterAsync(history, silos: 3);
        await WaitForCoverageAsync(cluster.Silos);

        // Spread: the fair share is ceil(16 / 3) = 6, so no silo holds more and every silo holds some.
        foreach (var consumer in ConsumerNames)
        {
            var counts = cluster.Silos.Select(s => Leases(s).HeldPartitions(consumer).Count).ToList();
            output.WriteLine($"{consumer}: partitions per silo {string.Join(", ", counts)}");
            Assert.All(counts, count => Assert.InRange(count, 1, 6));
        }

        // The table agrees: one live row per partition, held by the silo that thinks it holds it.
        var rows = await Leases(cluster.Primary).ReadLiveLeasesAsync(CancellationToken.None);
        foreach (var consumer in ConsumerNames)
        {
            var mine = rows.Where(r => r.Consumer == consumer).ToList();
            Assert.Equal(Enumerable.Range(0, Partitions), mine.Select(r => r.Partition).Order());
            foreach (var row in mine)
            {
                var holder = Assert.Single(cluster.Silos, s => Leases(s).HeldPartitions(consumer).Contains(row.Partition));
                Assert.Equal(Membership(holder).SiloId, row.Owner);
            }
        }

        // Intents sent through every silo settle: each resource's events reach the one silo leasing its partition.
        var keys = await SubmitAsync(cluster, "a", resources: 48, perResource: 3);
        await AssertAllSettledAsync(cluster, keys, history, perResource: 3);

        // A silo that stops releases its leases; the two others take them and consume what is committed meanwhile.
        var stopping = cluster.Silos[2];
        var stop = cluster.StopSiloAsync(stopping);
        var duringStop = await SubmitAsync(cluster, "b", resources: 24, perResource: 2, through: cluster.Silos.Where(s => s.Name != stopping.Name).ToList());
        await stop;
        await WaitForCoverageAsync(cluster.Silos);
        await AssertAllSettledAsync(cluster, duringStop, history, perResource: 2);
        var after = await SubmitAsync(cluster, "c", resources: 24, perResource: 2);
        await AssertAllSettledAsync(cluster, after, history, perResource: 2);
        output.WriteLine($"duplicate deliveries to history: {history.Handled.Values.Sum(n => n - 1)} of {history.Handled.Count}");
    }

    [Fact]
    public async Task A_silo_cut_off_from_the_database_loses_its_leases_and_the_others_consume_what_was_committed_meanwhile()
    {
        var history = new TestConsumer("history");
        await using var cluster = await StartClusterAsync(history, silos: 2);
        var direct = new NpgsqlConnectionStringBuilder(cluster.Primary.Services.GetRequiredService<IOptions<SiloHostOptions>>().Value.Storage.ConnectionString);

        // The third silo reaches PostgreSQL only through a proxy the test can cut: to the others it looks dead.
        await using var proxy = LoopbackTcpProxy.Start(direct.Port);
        var viaProxy = new NpgsqlConnectionStringBuilder(direct.ConnectionString) { Port = proxy.Port, Timeout = 2 }.ConnectionString;
        var cut = await cluster.StartAdditionalSiloAsync(options => options.Storage.ConnectionString = viaProxy);
        await WaitForCoverageAsync(cluster.Silos);
        Assert.All(ConsumerNames, consumer => Assert.NotEmpty(Leases(cut).HeldPartitions(consumer)));
        var before = await SubmitAsync(cluster, "d", resources: 24, perResource: 2);
        await AssertAllSettledAsync(cluster, before, history, perResource: 2);

        proxy.Cut();
        var healthy = cluster.Silos.Where(s => s.Name != cut.Name).ToList();
        var meanwhile = await SubmitAsync(cluster, "e", resources: 24, perResource: 2, through: healthy);

        // Its leases run out on its own clock first (it stops consuming), then expire in the table and move.
        await WaitUntilAsync(() => ConsumerNames.All(c => Leases(cut).HeldPartitions(c).Count == 0), "the cut silo to stop consuming");
        await WaitForCoverageAsync(healthy);
        await AssertAllSettledAsync(cluster, meanwhile, history, perResource: 2, through: healthy);
        proxy.Heal();
    }

    private static ConsumerLeases Leases(ProductSilo silo) => silo.Services.GetRequiredService<ConsumerLeases>();

    private static ClusterMembership Membership(ProductSilo silo) => silo.Services.GetRequiredService<ClusterMembership>();

    private static async Task<ProductCluster> StartClusterAsync(TestConsumer history, int silos)
    {
        var cluster = await StartAsync(StorageOptions.PostgresProvider, silos, builder => builder
            .ConfigureSilo(options =>
            {
                options.Cluster.Enabled = true;
                options.Cluster.HeartbeatPeriod = TimeSpan.FromMilliseconds(250);
                options.Cluster.DeathTimeout = TimeSpan.FromSeconds(2);
                options.Cluster.ConsumerPartitions = Partitions;
                options.DefaultCallTimeout = TimeSpan.FromSeconds(20);
            })
            .ConfigureServices(services =>
            {
                services.AddSingleton<Interfaces.Consumers.IResourceConsumer>(history);
                services.Configure<ConsumersOptions>(options =>
                {
                    options.Consumers[history.Name] = new ConsumerOptions { RetryDelay = TimeSpan.FromMilliseconds(50), MaxRetryDelay = TimeSpan.FromMilliseconds(400) };
                    options.Consumers["read-model"] = new ConsumerOptions { Kind = "read-model" };
                });
                services.Configure<ResourcesOptions>(options =>
                {
                    options.Defaults.RequiredConsumers.Add(history.Name);
                    options.Defaults.RequiredConsumers.Add("read-model");
                });
            }));
        await WaitUntilAsync(() => cluster.Silos.All(s => Membership(s).CurrentView.Members.Length == silos), $"every silo to see {silos} silos");
        return cluster;
    }

    /// <summary>
    /// Waits until, for every consumer, the given silos together hold every partition, each exactly once, and each
    /// silo holds some and no more than its fair share (a silo that held more before a join gives the surplus up at
    /// its next round, so the spread is reached a round after the coverage).
    /// </summary>
    private static Task WaitForCoverageAsync(IReadOnlyList<ProductSilo> silos) =>
        WaitUntilAsync(
            () => silos.All(s => Membership(s).CurrentView.Members.Length == silos.Count)
                && ConsumerNames.All(consumer =>
                {
                    var held = silos.SelectMany(s => Leases(s).HeldPartitions(consumer)).ToList();
                    var fairShare = (Partitions + silos.Count - 1) / silos.Count;
                    return held.Count == Partitions && held.Distinct().Count() == Partitions
                        && silos.All(s => Leases(s).HeldPartitions(consumer).Count is > 0 and var count && count <= fairShare);
                }),
            $"the {silos.Count} silos to share every partition fairly");

    private static async Task<List<(string Resource, string Key)>> SubmitAsync(
        ProductCluster cluster, string prefix, int resources, int perResource, IReadOnlyList<ProductSilo>? through = null)
    {
        var silos = through ?? cluster.Silos;
        var submitted = new List<(string, string)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, resources), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var id = ResourceKey.Create("orders", $"{prefix}-{i}").GrainKey;
            var silo = silos[i % silos.Count];
            var grain = silo.GrainFactory.GetGrain<IResourceGrain>(id);
            for (var n = 0; n < perResource; n++)
            {
                // Served by that silo too: Orleans would place the resource anywhere, a silo cut off from the database
                // included (to Orleans it is alive), and then every call to it would fail.
                var result = await PlacedOn(silo, () => SubmitWithRetriesAsync(grain, Intent(IntentOperation.Increment, """{"n":1}""")));
                lock (submitted)
                {
                    submitted.Add((id, result.Status.IdempotencyKey));
                }
            }
        });
        return submitted;
    }

    /// <summary>
    /// Like a client: a call that reached a silo cut off from the database, or a silo that is stopping (Orleans answers
    /// those with <see cref="SiloUnavailableException"/>), fails, and is sent again with the same key (intents are idempotent).
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
            catch (Exception ex) when (ex is StorageUnavailableException or SiloUnavailableException && !limit.IsCancellationRequested)
            {
                await Task.Delay(100, CancellationToken.None);
            }
        }
    }

    private static async Task AssertAllSettledAsync(
        ProductCluster cluster, List<(string Resource, string Key)> submitted, TestConsumer history, int perResource, IReadOnlyList<ProductSilo>? through = null)
    {
        var silo = (through ?? cluster.Silos)[0];
        foreach (var (resource, key) in submitted)
        {
            var status = await silo.GrainFactory.GetGrain<IResourceGrain>(resource).WaitForIntentStatus(key, Patience);
            Assert.Equal(IntentState.Settled, status?.State);
        }

        foreach (var resource in submitted.Select(s => s.Resource).Distinct())
        {
            Assert.All(Enumerable.Range(1, perResource), v => Assert.True(history.Handled.ContainsKey((resource, v)), $"{resource} v{v} handled"));
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var limit = new CancellationTokenSource(Patience);
        while (!condition())
        {
            try
            {
                await Task.Delay(50, limit.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Waited {Patience.TotalSeconds} s for {what}.");
            }
        }
    }
}
