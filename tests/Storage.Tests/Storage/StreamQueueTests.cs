using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Serialization;
using OrleansConsistency.Storage;
using OrleansConsistency.Storage.Migrations;
using static OrleansConsistency.Storage.Tests.Storage.TestWrites;

namespace OrleansConsistency.Storage.Tests.Storage;

/// <summary>
/// The storage side of the persistent stream provider over the events table: queue ids stamped on events, reads by
/// queue, the last sequence, and per-queue checkpoints.
/// </summary>
public sealed class StreamQueueTests
{
    [Theory, StorageProviders]
    public async Task ReadQueueAsync_ReturnsEachQueuesEventsInSequenceOrder_WithQueueAndSequence(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        await storage.WriteAsync(State("w1", null, records: Records(events: [Queued("a", 1, 0), Queued("b", 1, 1)])));
        await storage.WriteAsync(State("w2", null, records: Records(events: Queued("a", 2, 0))));
        await storage.WriteAsync(State("w3", null, records: Records(events: [Queued("c", 1, 1), Queued("a", 3, 0)])));

        var queue0 = await storage.ReadQueueAsync(0, afterSequence: 0, maxCount: 100);
        var queue1 = await storage.ReadQueueAsync(1, afterSequence: 0, maxCount: 100);

        Assert.Equal(["a/1", "a/2", "a/3"], queue0.Select(e => $"{e.StreamKey}/{e.Version}"));
        Assert.Equal(["b/1", "c/1"], queue1.Select(e => $"{e.StreamKey}/{e.Version}"));
        Assert.All(queue0, e => Assert.Equal(0, e.Queue));
        Assert.All(queue1, e => Assert.Equal(1, e.Queue));
        Assert.Equal(queue0.Select(e => e.Sequence).Order(), queue0.Select(e => e.Sequence));
        Assert.All(queue0.Concat(queue1), e => Assert.True(e.Sequence > 0));
        Assert.Equal(Queued("c", 1, 1), queue1[1] with { Sequence = 0 });
        Assert.Empty(await storage.ReadQueueAsync(2, afterSequence: 0, maxCount: 100));
    }

    [Theory, StorageProviders]
    public async Task ReadQueueAsync_PagesByAfterSequence(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        for (var i = 1; i <= 5; i++)
        {
            await storage.WriteAsync(State($"w{i}", null, records: Records(events: [Queued("a", i, 3), Queued("b", i, 4)])));
        }

        var pages = new List<IReadOnlyList<EventRecord>>();
        var after = 0L;
        while (true)
        {
            var page = await storage.ReadQueueAsync(3, after, maxCount: 2);
            if (page.Count == 0)
            {
                break;
            }

            pages.Add(page);
            after = page[^1].Sequence;
        }

        Assert.Equal([2, 2, 1], pages.Select(p => p.Count));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], pages.SelectMany(p => p).Select(e => e.Version));
        Assert.All(pages.SelectMany(p => p), e => Assert.Equal(("a", 3), (e.StreamKey, e.Queue)));
        Assert.Empty(await storage.ReadQueueAsync(3, afterSequence: await storage.ReadLastSequenceAsync(), maxCount: 10));
    }

    [Theory, StorageProviders]
    public async Task ReadQueueAsync_EventsWithoutQueue_BelongToNoQueue(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        await storage.WriteAsync(State("w1", null, records: Records(events: [Event("a", 1), Queued("a", 2, 0), Event("b", 1)])));

        var queued = Assert.Single(await storage.ReadQueueAsync(0, 0, 100));
        Assert.Equal(2, queued.Version);
        foreach (var queue in new[] { -1, 1, 2, int.MaxValue })
        {
            Assert.Empty(await storage.ReadQueueAsync(queue, 0, 100));
        }

        // Reads by stream and namespace see the unqueued rows, with a null queue.
        var stream = await storage.ReadStreamAsync(Namespace, "a", 1, 10);
        Assert.Equal(new int?[] { null, 0 }, stream.Select(e => e.Queue));
        Assert.Equal(3, (await storage.ReadNamespaceAsync(Namespace, 0, 10)).Count);
    }

    [Theory, StorageProviders]
    public async Task ReadQueueAsync_MaxCountOutOfRange_Throws(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => storage.ReadQueueAsync(0, 0, 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => storage.ReadQueueAsync(0, 0, -1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => storage.ReadQueueAsync(0, 0, StorageProvider.MaxQueueReadCount + 1));
        Assert.Empty(await storage.ReadQueueAsync(0, 0, StorageProvider.MaxQueueReadCount));
    }

    [Theory, StorageProviders]
    public async Task ReadLastSequenceAsync_ZeroWhenEmpty_ThenTheHighestSequence(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        Assert.Equal(0, await storage.ReadLastSequenceAsync());

        await storage.WriteAsync(State("w1", null, records: Records(events: [Queued("a", 1, 0), Event("b", 1)])));
        await storage.WriteAsync(State("w2", null, records: Records(events: Queued("c", 1, 1))));

        var all = await storage.ReadNamespaceAsync(Namespace, 0, 100);
        Assert.Equal(3, all.Count);
        Assert.Equal(all.Max(e => e.Sequence), await storage.ReadLastSequenceAsync());
    }

    [Theory, StorageProviders]
    public async Task QueueCheckpoint_NullWhenNone_SetAndGetPerProviderAndQueue(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        Assert.Null(await storage.GetQueueCheckpointAsync("events", 0));

        await storage.SetQueueCheckpointAsync("events", 0, 10);
        await storage.SetQueueCheckpointAsync("events", 1, 20);
        await storage.SetQueueCheckpointAsync("other", 0, 30);

        Assert.Equal(10, await storage.GetQueueCheckpointAsync("events", 0));
        Assert.Equal(20, await storage.GetQueueCheckpointAsync("events", 1));
        Assert.Equal(30, await storage.GetQueueCheckpointAsync("other", 0));
        Assert.Null(await storage.GetQueueCheckpointAsync("other", 1));
        Assert.Null(await storage.GetQueueCheckpointAsync("Events", 0));
    }

    [Theory, StorageProviders]
    public async Task SetQueueCheckpointAsync_NeverMovesBackwards(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);

        await storage.SetQueueCheckpointAsync("events", 2, 10);
        await storage.SetQueueCheckpointAsync("events", 2, 5);
        Assert.Equal(10, await storage.GetQueueCheckpointAsync("events", 2));

        await storage.SetQueueCheckpointAsync("events", 2, 10);
        Assert.Equal(10, await storage.GetQueueCheckpointAsync("events", 2));

        await storage.SetQueueCheckpointAsync("events", 2, 11);
        Assert.Equal(11, await storage.GetQueueCheckpointAsync("events", 2));
    }

    [Theory, StorageProviders]
    public async Task SetQueueCheckpointAsync_ConcurrentSetsOfOneQueue_KeepTheHighest(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);

        await Task.WhenAll(Enumerable.Range(1, 50).Reverse().Select(i => storage.SetQueueCheckpointAsync("events", 7, i)));

        Assert.Equal(50, await storage.GetQueueCheckpointAsync("events", 7));
    }

    [Theory, StorageProviders]
    public async Task GroupCommittedWrites_StampQueueIds_AndQueueCheckpointsJoinTheTransaction(string provider)
    {
        // The batch closes when nine writes are queued: eight grain writes and one queue checkpoint share one
        // transaction (on PostgreSQL one set-based statement for the grains, with two rounds for the grain written twice).
        await using var storage = await StorageFixture.CreateStorageAsync(provider, o =>
        {
            o.MaxBatchSize = 9;
            o.MaxBatchDelay = TimeSpan.FromSeconds(30);
        });
        var writes = Enumerable.Range(0, 7)
            .Select(i => storage.WriteAsync(State($"g{i}", null, records: Records(events: [Queued($"g{i}", 1, i % 3), Event($"g{i}", 2)]))))
            .ToList();
        writes.Add(storage.WriteAsync(State("g0", "1", records: Records(events: Queued("g0", 3, 0)))));
        var checkpoint = storage.SetQueueCheckpointAsync("events", 1, 42);

        Assert.All(await Task.WhenAll(writes.Take(7)), etag => Assert.Equal("1", etag));
        Assert.Equal("2", await writes[7]);
        await checkpoint;
        Assert.Equal(1, storage.Statistics.Transactions);
        Assert.Equal(8, storage.Statistics.MaxWritesInOneTransaction);

        for (var queue = 0; queue < 3; queue++)
        {
            var events = await storage.ReadQueueAsync(queue, 0, 100);
            var expected = Enumerable.Range(0, 7).Where(i => i % 3 == queue).Select(i => $"g{i}/1").ToList();
            if (queue == 0)
            {
                expected.Add("g0/3");
            }

            Assert.Equal(expected.Order(StringComparer.Ordinal), events.Select(e => $"{e.StreamKey}/{e.Version}").Order(StringComparer.Ordinal));
            Assert.All(events, e => Assert.Equal(queue, e.Queue));
            Assert.Equal(events.Select(e => e.Sequence).Order(), events.Select(e => e.Sequence));
        }

        var unqueued = (await storage.ReadNamespaceAsync(Namespace, 0, 100)).Where(e => e.Queue is null).ToList();
        Assert.Equal(7, unqueued.Count);
        Assert.All(unqueued, e => Assert.Equal(2, e.Version));
        Assert.Equal(42, await storage.GetQueueCheckpointAsync("events", 1));
    }

    [Theory, StorageProviders]
    public async Task GroupCommitDisabled_SingleWriteStatement_StampsQueueIds(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider, o => o.GroupCommit = false);

        await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            storage.WriteAsync(State($"g{i}", null, records: Records(Intent($"test/g{i}", "k"), Queued($"g{i}", 1, i % 2), Event($"g{i}", 2))))));

        Assert.Equal(["g0", "g2", "g4"], (await storage.ReadQueueAsync(0, 0, 100)).Select(e => e.StreamKey).Order(StringComparer.Ordinal));
        Assert.Equal(["g1", "g3", "g5"], (await storage.ReadQueueAsync(1, 0, 100)).Select(e => e.StreamKey).Order(StringComparer.Ordinal));
        Assert.Equal(6, (await storage.ReadNamespaceAsync(Namespace, 0, 100)).Count(e => e.Queue is null));
    }

    [Theory, StorageProviders]
    public async Task Migration_DatabaseWithEventsBeforeQueues_KeepsThemUnqueued_AndRerunAppliesNothing(string provider)
    {
        var options = await StorageFixture.NewOptionsAsync(provider);
        var (migrations, createHistory) = provider == StorageOptions.PostgresProvider
            ? (PostgresMigrations.All, PostgresMigrations.CreateHistory)
            : (SqliteMigrations.All, SqliteMigrations.CreateHistory);
        var queues = migrations.Single(m => m.Name == "stream queues");
        await using (var connection = Connect(options))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, createHistory);
            foreach (var migration in migrations.Where(m => m.Version < queues.Version))
            {
                await ExecuteAsync(connection, migration.Sql);
                await ExecuteAsync(connection, $"INSERT INTO schema_migrations (version, name, applied_at) VALUES ({migration.Version}, 'm', 0)");
            }

            await ExecuteAsync(
                connection,
                $"INSERT INTO events (stream_namespace, stream_key, version, type, payload, created_at) VALUES ('{Namespace}', 'old', 1, 'applied', '{{}}', 0)");
        }

        Assert.Equal(migrations.Count(m => m.Version >= queues.Version), await new StorageMigrator(options).MigrateAsync());
        Assert.Equal(0, await new StorageMigrator(options).MigrateAsync());
        var concurrent = await Task.WhenAll(new StorageMigrator(options).MigrateAsync(), new StorageMigrator(options).MigrateAsync());
        Assert.Equal([0, 0], concurrent);

        await using var storage = await StorageFixture.CreateStorageAsync(options);
        await storage.WriteAsync(State("w1", null, records: Records(events: Queued("new", 1, 0))));
        var old = Assert.Single(await storage.ReadStreamAsync(Namespace, "old", 1, 10));
        Assert.Null(old.Queue);
        Assert.Equal("new", Assert.Single(await storage.ReadQueueAsync(0, 0, 10)).StreamKey);
        Assert.Equal(old.Sequence + 1, await storage.ReadLastSequenceAsync());
    }

    [Fact]
    public void EventRecord_IsOrleansSerializable_WithSequenceAndQueue_AndCopiedAsImmutable()
    {
        using var services = new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(EventRecord).Assembly)).BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var record = Queued("a", 3, 5) with { Sequence = 77 };

        var copy = serializer.Deserialize<EventRecord>(serializer.SerializeToArray(record))!;

        Assert.Equal(record, copy);
        Assert.Equal((77L, (int?)5), (copy.Sequence, copy.Queue));
        Assert.Same(record, services.GetRequiredService<DeepCopier<EventRecord>>().Copy(record));
        var unqueued = serializer.Deserialize<EventRecord>(serializer.SerializeToArray(Event("a", 1)))!;
        Assert.Null(unqueued.Queue);
    }

    private static EventRecord Queued(string streamKey, long version, int queue) => Event(streamKey, version) with { Queue = queue };

    private static DbConnection Connect(StorageOptions options) =>
        options.Provider == StorageOptions.PostgresProvider
            ? new NpgsqlConnection(options.ConnectionString)
            : new SqliteConnection(options.ConnectionString);

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Fixed test SQL.
        command.CommandText = sql;
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync();
    }
}
