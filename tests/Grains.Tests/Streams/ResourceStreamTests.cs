using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Streams;
using OrleansConsistency.Grains.Consumers;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Grains.Interfaces.Streams;
using OrleansConsistency.Grains.Resources;
using OrleansConsistency.Grains.Streams;
using OrleansConsistency.Grains.Tests.Consumers;
using OrleansConsistency.Silo.Hosting;
using OrleansConsistency.Storage;
using OrleansConsistency.TestSupport;
using static OrleansConsistency.Grains.Tests.ResourceCluster;

namespace OrleansConsistency.Grains.Tests.Streams;

/// <summary>
/// Transitions on Orleans streams over the events table: the consumer grains (implicit subscriptions) and
/// <see cref="ResourceStreamFollower"/>s, in a silo (reading the log from the database) and in an Orleans client
/// (reading it through <see cref="IResourceHistoryGrain"/>), get every version exactly once and in order.
/// </summary>
public sealed class ResourceStreamTests
{
    private const int Resources = 20;
    private const int PerResource = 50;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task AThousandIntentsOverTwentyResources_ReachTheConsumerGrainsAndClientFollowers_EachVersionOnceInOrder(string provider)
    {
        var history = new TestConsumer("history");
        await using var cluster = await StartAsync(provider, configure: builder => WithConsumer(builder, history));
        var recorder = new VersionRecorder();
        var keys = Enumerable.Range(0, Resources).Select(i => ResourceKey.Create("orders", $"t-{i}")).ToList();

        // External subscribers: through the cluster's client, with the log read through the history grain.
        var followers = new List<ResourceStreamFollower>();
        foreach (var key in keys)
        {
            followers.Add(await ClientFollowerAsync(cluster, key, 0, recorder));
        }

        var lastKeys = await SubmitAsync(cluster, keys, PerResource);

        Assert.True(await recorder.WaitForAsync(keys.Select(k => k.ToString()), PerResource, Patience), "every client follower got every version");
        foreach (var key in keys)
        {
            recorder.AssertExactly(key.ToString(), 1, PerResource);
        }

        // The in-process consumer, through the consumer grains: every intent settles only once it handled each version.
        foreach (var (key, idempotencyKey) in lastKeys)
        {
            var status = await cluster.GrainFactory.GetGrain<IResourceGrain>(key.GrainKey).WaitForIntentStatus(idempotencyKey, Patience);
            Assert.Equal(IntentState.Settled, status?.State);
            Assert.Equal(PerResource, status?.SettledVersion);
            Assert.Equal(Enumerable.Range(1, PerResource).Select(v => (long)v), history.Order.Where(o => o.Resource == key.GrainKey).Select(o => o.Version));
        }

        Assert.Equal(Resources * PerResource, history.Handled.Count);
        Assert.All(history.Handled, handled => Assert.Equal(1, handled.Value));
        foreach (var follower in followers)
        {
            Assert.Equal(PerResource, follower.LastDelivered);
            await follower.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task PerResourceFollowersInTheSilo_StartedWhileIntentsArrive_GetEveryVersionOnceInOrder(string provider)
    {
        await using var cluster = await StartAsync(provider);
        var recorder = new VersionRecorder();
        var keys = Enumerable.Range(0, Resources).Select(i => ResourceKey.Create("orders", $"f-{i}")).ToList();

        // Half is committed before the followers start (they read it from the log), half while they start and after.
        await SubmitAsync(cluster, keys, PerResource / 2);
        var writer = Task.Run(() => SubmitAsync(cluster, keys, PerResource / 2));
        var followers = new List<ResourceStreamFollower>();
        foreach (var key in keys)
        {
            followers.Add(await SiloFollowerAsync(cluster.Primary, key, 0, recorder));
        }

        await writer;
        Assert.True(await recorder.WaitForAsync(keys.Select(k => k.ToString()), PerResource, Patience), "every follower got every version");
        foreach (var key in keys)
        {
            recorder.AssertExactly(key.ToString(), 1, PerResource);
        }

        foreach (var follower in followers)
        {
            await follower.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task FollowerFromVersionK_GetsTheVersionsAfterIt_ThenLive_NoneLostOrDoubledDuringTheCatchUp(string provider)
    {
        await using var cluster = await StartAsync(provider);
        var key = ResourceKey.Create("orders", "k1");
        await SubmitAsync(cluster, [key], 100);
        var recorder = new VersionRecorder();

        // Commits keep coming while both followers read the log after version 40 and switch to the live stream.
        var writer = Task.Run(() => SubmitAsync(cluster, [key], 100));
        await using var inSilo = await SiloFollowerAsync(cluster.Primary, key, 40, recorder, "silo");
        await using var inClient = await ClientFollowerAsync(cluster, key, 40, recorder, "client");
        await writer;

        Assert.True(await recorder.WaitForAsync(["silo", "client"], 200, Patience), "both followers got version 200");
        recorder.AssertExactly("silo", 41, 200);
        recorder.AssertExactly("client", 41, 200);

        // And live afterwards.
        await SubmitAsync(cluster, [key], 1);
        Assert.True(await recorder.WaitForAsync(["silo", "client"], 201, Patience), "both followers got version 201 live");
        recorder.AssertExactly("silo", 41, 201);
        recorder.AssertExactly("client", 41, 201);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task AResumePointOlderThanTheRetainedLog_IsRefusedAsTooOld(string provider)
    {
        await using var cluster = await StartAsync(provider);
        var key = ResourceKey.Create("orders", "old");
        await SubmitAsync(cluster, [key], 10);

        await TruncateLogAsync(cluster, key, beforeVersion: 6);

        var recorder = new VersionRecorder();
        var inSilo = await Assert.ThrowsAsync<ResumePointTooOldException>(() => SiloFollowerAsync(cluster.Primary, key, 2, recorder));
        Assert.Equal(6, inSilo.OldestRetainedVersion);
        var inClient = await Assert.ThrowsAsync<ResumePointTooOldException>(() => ClientFollowerAsync(cluster, key, 2, recorder));
        Assert.Equal(6, inClient.OldestRetainedVersion);

        // Right before the oldest retained version is still a valid resume point.
        await using var fromRetained = await SiloFollowerAsync(cluster.Primary, key, 5, recorder, "retained");
        Assert.True(await recorder.WaitForAsync(["retained"], 10, Patience), "the follower got versions 6..10");
        recorder.AssertExactly("retained", 6, 10);
    }

    [Fact]
    public async Task AFailingSubscriber_GetsTheSameTransitionAgain_AndNothingIsSkipped()
    {
        await using var cluster = await StartAsync("sqlite");
        var key = ResourceKey.Create("orders", "fail");
        var attempts = new ConcurrentDictionary<long, int>();
        var delivered = new ConcurrentQueue<long>();
        var streams = cluster.Primary.Services.GetRequiredKeyedService<IStreamProvider>(ResourceStreams.ProviderName);
        await using var follower = await ResourceStreamFollower.StartAsync(
            streams,
            new EventLogResourceHistory(cluster.Primary.Services.GetRequiredService<IEventLog>()),
            key,
            0,
            transition =>
            {
                if (attempts.AddOrUpdate(transition.Version, 1, (_, n) => n + 1) < 3 && transition.Version == 2)
                {
                    throw new InvalidOperationException("the subscriber is down");
                }

                delivered.Enqueue(transition.Version);
                return Task.CompletedTask;
            });

        await SubmitAsync(cluster, [key], 3);

        using var limit = new CancellationTokenSource(Patience);
        while (delivered.Count < 3)
        {
            await Task.Delay(50, limit.Token);
        }

        Assert.Equal([1L, 2L, 3L], delivered);
        Assert.Equal(3, attempts[2]);
    }

    [Fact]
    public async Task TheEventOfACommitWhoseAnswerWasLost_StillReachesFollowers()
    {
        await using var cluster = await StartAsync("sqlite");
        var key = ResourceKey.Create("orders", "lost");
        var recorder = new VersionRecorder();
        await using var follower = await SiloFollowerAsync(cluster.Primary, key, 0, recorder, "silo");
        cluster.StorageFaults.FailNextCommitsAfterDurable(1);

        await cluster.Resource(key.Type, key.Id).Submit(Intent(IntentOperation.Set, """{"a":1}"""));

        Assert.True(await recorder.WaitForAsync(["silo"], 1, Patience), "the follower got version 1");
        recorder.AssertExactly("silo", 1, 1);
    }

    private static Task<ResourceStreamFollower> SiloFollowerAsync(ProductSilo silo, ResourceKey key, long after, VersionRecorder recorder, string? name = null) =>
        ResourceStreamFollower.StartAsync(
            silo.Services.GetRequiredKeyedService<IStreamProvider>(ResourceStreams.ProviderName),
            new EventLogResourceHistory(silo.Services.GetRequiredService<IEventLog>()),
            key,
            after,
            transition => Record(recorder, name ?? key.ToString(), transition));

    private static Task<ResourceStreamFollower> ClientFollowerAsync(ProductCluster cluster, ResourceKey key, long after, VersionRecorder recorder, string? name = null) =>
        ResourceStreamFollower.StartAsync(
            cluster.Client.GetStreamProvider(ResourceStreams.ProviderName),
            new GrainResourceHistory(cluster.Client),
            key,
            after,
            transition => Record(recorder, name ?? key.ToString(), transition));

    private static Task Record(VersionRecorder recorder, string subscriber, TransitionEvent transition)
    {
        recorder.Record(subscriber, transition.Version);
        return Task.CompletedTask;
    }

    /// <summary>Submits <paramref name="perResource"/> increments to each resource, resources in parallel; returns each one's last idempotency key.</summary>
    private static async Task<List<(ResourceKey Key, string IdempotencyKey)>> SubmitAsync(ProductCluster cluster, IReadOnlyList<ResourceKey> keys, int perResource)
    {
        var last = new ConcurrentBag<(ResourceKey, string)>();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (key, _) =>
        {
            var grain = cluster.Resource(key.Type, key.Id);
            IntentResult? result = null;
            for (var n = 0; n < perResource; n++)
            {
                result = await grain.Submit(Intent(IntentOperation.Increment, """{"n":1}"""));
            }

            last.Add((key, result!.Status.IdempotencyKey));
        });
        return [.. last];
    }

    private static void WithConsumer(ProductClusterBuilder builder, TestConsumer consumer) =>
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<Interfaces.Consumers.IResourceConsumer>(consumer);
            services.Configure<ConsumersOptions>(options => options.SweepInterval = TimeSpan.FromMilliseconds(500));
            services.Configure<ResourcesOptions>(options => options.Defaults.RequiredConsumers.Add(consumer.Name));
        });

    /// <summary>Stands in for a log retention job: removes the oldest events of a resource.</summary>
    private static async Task TruncateLogAsync(ProductCluster cluster, ResourceKey key, long beforeVersion)
    {
        var storage = cluster.Primary.Services.GetRequiredService<IOptions<SiloHostOptions>>().Value.Storage;
        await using DbConnection connection = storage.Provider == StorageOptions.PostgresProvider
            ? new NpgsqlConnection(storage.ConnectionString)
            : new SqliteConnection(storage.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM events WHERE stream_namespace = '{key.StreamNamespace}' AND stream_key = '{key.Id}' AND version < {beforeVersion}";
        Assert.Equal((int)beforeVersion - 1, await command.ExecuteNonQueryAsync());
    }
}
