using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Silo.Hosting;
using OrleansConsistency.Storage.Streams;
using OrleansConsistency.TestSupport;
using static OrleansConsistency.Grains.Tests.ResourceCluster;

namespace OrleansConsistency.Grains.Tests.Streams;

public sealed class ResourceStreamTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task SubscriberFromVersionZero_WhileMoreArrive_SeesEveryVersionExactlyOnceInOrder(string provider)
    {
        await using var cluster = await StartAsync(provider);
        var resource = cluster.Resource("orders", "s1");
        for (var i = 0; i < 100; i++)
        {
            await resource.Submit(Intent(IntentOperation.Increment, """{"n":1}"""));
        }

        var seen = new ConcurrentQueue<long>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await resource.Submit(Intent(IntentOperation.Increment, """{"n":1}"""));
            }
        });
        await using var subscription = await StreamOf(cluster, "orders", "s1").SubscribeAsync(
            (item, token) =>
            {
                Assert.Equal(item.Version, token.SequenceNumber);
                seen.Enqueue(item.Version);
                if (item.Version == 200)
                {
                    all.TrySetResult();
                }

                return Task.CompletedTask;
            },
            EventStreamPosition.Beginning);

        await writer;
        await all.Task.WaitAsync(Patience);

        Assert.Equal(Enumerable.Range(1, 200).Select(v => (long)v), seen);
        Assert.Equal(200, subscription.LastDelivered.SequenceNumber);
    }

    [Fact]
    public async Task SubscriberWithoutAToken_SeesOnlyEventsCommittedAfterward()
    {
        await using var cluster = await StartAsync("sqlite");
        var resource = cluster.Resource("orders", "s2");
        await resource.Submit(Intent(IntentOperation.Set, """{"a":1}"""));
        var next = new TaskCompletionSource<TransitionEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await StreamOf(cluster, "orders", "s2").SubscribeAsync((item, _) => { next.TrySetResult(item); return Task.CompletedTask; });

        await resource.Submit(Intent(IntentOperation.Merge, """{"b":2}"""));

        var received = await next.Task.WaitAsync(Patience);
        Assert.Equal(2, received.Version);
        Assert.Equal(TransitionEvent.Applied, received.Type);
        Assert.Equal(2, received.Document?.GetProperty("b").GetInt32());
    }

    [Fact]
    public async Task FailingSubscriber_GetsTheSameEventAgain_AndNothingIsSkipped()
    {
        await using var cluster = await StartAsync("sqlite");
        var resource = cluster.Resource("orders", "s3");
        var attempts = new ConcurrentDictionary<long, int>();
        var delivered = new ConcurrentQueue<long>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await StreamOf(cluster, "orders", "s3").SubscribeAsync(
            (item, _) =>
            {
                if (attempts.AddOrUpdate(item.Version, 1, (_, n) => n + 1) < 3 && item.Version == 2)
                {
                    throw new InvalidOperationException("the subscriber is down");
                }

                delivered.Enqueue(item.Version);
                if (item.Version == 3)
                {
                    done.TrySetResult();
                }

                return Task.CompletedTask;
            },
            EventStreamPosition.Beginning);

        for (var i = 0; i < 3; i++)
        {
            await resource.Submit(Intent(IntentOperation.Increment, """{"n":1}"""));
        }

        await done.Task.WaitAsync(Patience);
        Assert.Equal([1L, 2L, 3L], delivered);
        Assert.Equal(3, attempts[2]);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task TokenOlderThanTheRetainedLog_IsRefusedAsTooOld(string provider)
    {
        await using var cluster = await StartAsync(provider);
        var resource = cluster.Resource("orders", "s4");
        for (var i = 0; i < 10; i++)
        {
            await resource.Submit(Intent(IntentOperation.Increment, """{"n":1}"""));
        }

        await TruncateLogAsync(cluster, "resource/orders", "s4", beforeVersion: 6);

        var exception = await Assert.ThrowsAsync<StreamTokenTooOldException>(() => StreamOf(cluster, "orders", "s4").SubscribeAsync((_, _) => Task.CompletedTask, new EventStreamPosition(2)));
        Assert.Equal(6, exception.OldestRetainedVersion);
        await using var fromRetained = await StreamOf(cluster, "orders", "s4").SubscribeAsync((_, _) => Task.CompletedTask, new EventStreamPosition(5));
    }

    [Fact]
    public async Task EventOfACommitWhoseAnswerWasLost_StillReachesSubscribers()
    {
        await using var cluster = await StartAsync("sqlite");
        var resource = cluster.Resource("orders", "s5");
        var first = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await StreamOf(cluster, "orders", "s5").SubscribeAsync((item, _) => { first.TrySetResult(item.Version); return Task.CompletedTask; }, EventStreamPosition.Beginning);
        cluster.StorageFaults.FailNextCommitsAfterDurable(1);

        await resource.Submit(Intent(IntentOperation.Set, """{"a":1}"""));

        Assert.Equal(1, await first.Task.WaitAsync(Patience));
    }

    private static IEventStream<TransitionEvent> StreamOf(ProductCluster cluster, string type, string id) =>
        cluster.Primary.Services.GetRequiredService<IEventStreams>().GetStream<TransitionEvent>(new EventStreamId(ResourceKey.Create(type, id).StreamNamespace, id));

    /// <summary>Stands in for a log retention job: removes the oldest events of a stream.</summary>
    private static async Task TruncateLogAsync(ProductCluster cluster, string streamNamespace, string streamKey, long beforeVersion)
    {
        var storage = cluster.Primary.Services.GetRequiredService<IOptions<SiloHostOptions>>().Value.Storage;
        await using DbConnection connection = storage.Provider == "postgresql"
            ? new NpgsqlConnection(storage.ConnectionString)
            : new SqliteConnection(storage.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM events WHERE stream_namespace = '{streamNamespace}' AND stream_key = '{streamKey}' AND version < {beforeVersion}";
        Assert.Equal((int)beforeVersion - 1, await command.ExecuteNonQueryAsync());
    }
}
