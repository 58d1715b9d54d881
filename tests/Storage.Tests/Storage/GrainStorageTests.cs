using Orleans.Storage;
using OrleansConsistency.Storage;
using static OrleansConsistency.Storage.Tests.Storage.TestWrites;

namespace OrleansConsistency.Storage.Tests.Storage;

public sealed class GrainStorageTests
{
    [Theory, StorageProviders]
    public async Task ReadAsync_UnknownGrain_ReturnsNull(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);

        Assert.Null(await storage.ReadAsync(TestGrainType, "missing"));
    }

    [Theory, StorageProviders]
    public async Task ReadAsync_AfterWrites_ReturnsLatestStateVersionAndEtag(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);

        var first = await storage.WriteAsync(State("g1", null, """{"n":1}""", version: 1));
        Assert.Equal("1", first);
        Assert.Equal(new StoredGrainState("1", 1, """{"n":1}"""), await storage.ReadAsync(TestGrainType, "g1"));

        var second = await storage.WriteAsync(State("g1", first, """{"n":2}""", version: 2));
        Assert.Equal("2", second);
        Assert.Equal(new StoredGrainState("2", 2, """{"n":2}"""), await storage.ReadAsync(TestGrainType, "g1"));
    }

    [Theory, StorageProviders]
    public async Task WriteAsync_StaleEtag_ThrowsInconsistentStateAndChangesNothing(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        await storage.WriteAsync(State("g1", null, """{"n":1}""", version: 1));
        await storage.WriteAsync(State("g1", "1", """{"n":2}""", version: 2));

        var stale = State("g1", "1", """{"n":99}""", version: 3, Records(Intent("r1", "k1"), Event("g1", 3)));
        var exception = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync(stale));

        Assert.Equal("1", exception.CurrentEtag);
        Assert.Equal("2", exception.StoredEtag);
        Assert.Equal(new StoredGrainState("2", 2, """{"n":2}"""), await storage.ReadAsync(TestGrainType, "g1"));
        Assert.Null(await storage.FindAsync("r1", "k1"));
        Assert.Empty(await storage.ReadStreamAsync(Namespace, "g1", 0, 10));
    }

    [Theory, StorageProviders]
    public async Task WriteAsync_NoExpectedEtagButRowExists_ThrowsInconsistentState(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        await storage.WriteAsync(State("g1", null, """{"n":1}"""));

        var exception = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync(State("g1", null, """{"n":2}""")));

        Assert.Equal("1", exception.StoredEtag);
        Assert.Equal("""{"n":1}""", (await storage.ReadAsync(TestGrainType, "g1"))!.Payload);
    }

    [Theory, StorageProviders]
    public async Task WriteAsync_ExpectedEtagButNoRow_ThrowsInconsistentStateAndCreatesNothing(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);

        var exception = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync(State("g1", "1")));

        Assert.True(string.IsNullOrEmpty(exception.StoredEtag), $"stored ETag: {exception.StoredEtag}");
        Assert.Equal("1", exception.CurrentEtag);
        Assert.Null(await storage.ReadAsync(TestGrainType, "g1"));
    }

    [Theory, StorageProviders]
    public async Task WriteAsync_TwoSilosRaceToInsertTheSameGrains_ExactlyOneWinsEach(string provider)
    {
        var options = await StorageFixture.NewOptionsAsync(provider);
        await using var siloA = await StorageFixture.CreateStorageAsync(options);
        await using var siloB = await StorageFixture.CreateStorageAsync(options);

        const int grains = 20;
        var races = Enumerable.Range(0, grains).Select(async i =>
        {
            var a = CaptureAsync(siloA.WriteAsync(State($"g{i}", null, "\"a\"")));
            var b = CaptureAsync(siloB.WriteAsync(State($"g{i}", null, "\"b\"")));
            return (Id: $"g{i}", A: await a, B: await b);
        });

        foreach (var (id, a, b) in await Task.WhenAll(races))
        {
            Assert.True(a is null ^ b is null, $"{id}: exactly one insert must win (a: {a?.GetType().Name ?? "ok"}, b: {b?.GetType().Name ?? "ok"}).");
            Assert.IsType<InconsistentStateException>(a ?? b);
            var stored = await siloA.ReadAsync(TestGrainType, id);
            Assert.Equal(new StoredGrainState("1", null, a is null ? "\"a\"" : "\"b\""), stored);
        }
    }

    [Theory, StorageProviders]
    public async Task WriteAsync_NullPayload_ClearsStateButKeepsRowAndBumpsEtag(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        await storage.WriteAsync(State("g1", null, """{"n":1}""", version: 1));

        var cleared = await storage.WriteAsync(State("g1", "1", payload: null, version: 1));

        Assert.Equal("2", cleared);
        Assert.Equal(new StoredGrainState("2", 1, null), await storage.ReadAsync(TestGrainType, "g1"));

        // A writer that read before the clear must still fail: the ETag never goes back to a value seen before.
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync(State("g1", "1")));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync(State("g1", null)));
        Assert.Equal("3", await storage.WriteAsync(State("g1", "2", """{"n":3}""")));
    }

    [Theory, StorageProviders]
    public async Task WriteAsync_WithIntentAndEvents_CommitsStateIntentAndEventsTogether(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        var intent = Intent("test/g1", "key-1", version: 2);
        var events = new[] { Event("g1", 1, intentKey: "key-1"), Event("g1", 2, intentKey: "key-1") };

        var etag = await storage.WriteAsync(State("g1", null, """{"n":2}""", version: 2, Records(intent, events)));

        Assert.Equal("1", etag);
        Assert.Equal(new StoredGrainState("1", 2, """{"n":2}"""), await storage.ReadAsync(TestGrainType, "g1"));
        Assert.Equal(intent, await storage.FindAsync("test/g1", "key-1"));
        var stored = await storage.ReadStreamAsync(Namespace, "g1", 1, 10);
        Assert.Equal(events, stored.Select(e => e with { Sequence = 0 }));
        Assert.All(stored, e => Assert.True(e.Sequence > 0));
    }

    [Theory, StorageProviders]
    public async Task WriteAsync_DuplicateIntentKey_ThrowsDuplicateIntentAndCommitsNothingOfThatWrite(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        await storage.WriteAsync(State("g1", null, """{"n":1}""", version: 1, Records(Intent("test/g1", "key-1"), Event("g1", 1))));

        var replay = State("g1", "1", """{"n":2}""", version: 2, Records(Intent("test/g1", "key-1", version: 2), Event("g1", 2)));
        var exception = await Assert.ThrowsAsync<DuplicateIntentException>(() => storage.WriteAsync(replay));

        Assert.Equal("test/g1", exception.ResourceId);
        Assert.Equal("key-1", exception.IdempotencyKey);
        Assert.Equal(new StoredGrainState("1", 1, """{"n":1}"""), await storage.ReadAsync(TestGrainType, "g1"));
        Assert.Equal(1, (await storage.FindAsync("test/g1", "key-1"))!.Version);
        Assert.Equal([1L], (await storage.ReadStreamAsync(Namespace, "g1", 0, 10)).Select(e => e.Version));
    }

    [Theory, StorageProviders]
    public async Task WriteAsync_EventVersionAlreadyStored_ThrowsInconsistentStateAndCommitsNothingOfThatWrite(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        await storage.WriteAsync(State("g1", null, version: 1, records: Records(events: Event("shared", 1))));

        var clash = State("g2", null, version: 1, records: Records(Intent("test/g2", "key-2"), Event("shared", 1)));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync(clash));

        Assert.Null(await storage.ReadAsync(TestGrainType, "g2"));
        Assert.Null(await storage.FindAsync("test/g2", "key-2"));
        Assert.Single(await storage.ReadStreamAsync(Namespace, "shared", 0, 10));
    }

    [Theory, StorageProviders]
    public async Task WriteAsync_DuplicateIntentsInOneBatch_FailOnlyThoseWritesAndTheOthersCommit(string provider)
    {
        var options = await StorageFixture.NewOptionsAsync(provider);
        await using (var setup = await StorageFixture.CreateStorageAsync(options))
        {
            await setup.WriteAsync(State("a", null, records: Records(Intent("r1", "k1"))));
        }

        // The batch closes when four writes are queued, so all four share one transaction.
        await using var storage = await StorageFixture.CreateStorageAsync(options.With(o =>
        {
            o.MaxBatchSize = 4;
            o.MaxBatchDelay = TimeSpan.FromSeconds(30);
        }));
        var duplicateOfCommitted = storage.WriteAsync(State("b", null, records: Records(Intent("r1", "k1"))));
        var good1 = storage.WriteAsync(State("c", null, records: Records(Intent("r2", "k2"), Event("c", 1))));
        var good2 = storage.WriteAsync(State("d", null, records: Records(Intent("r3", "k3"))));
        var duplicateInBatch = storage.WriteAsync(State("e", null, records: Records(Intent("r2", "k2"), Event("e", 1))));

        Assert.Equal("1", await good1);
        Assert.Equal("1", await good2);
        await Assert.ThrowsAsync<DuplicateIntentException>(() => duplicateOfCommitted);
        await Assert.ThrowsAsync<DuplicateIntentException>(() => duplicateInBatch);
        Assert.Null(await storage.ReadAsync(TestGrainType, "b"));
        Assert.Null(await storage.ReadAsync(TestGrainType, "e"));
        Assert.Empty(await storage.ReadStreamAsync(Namespace, "e", 0, 10));
        Assert.NotNull(await storage.ReadAsync(TestGrainType, "c"));
        Assert.NotNull(await storage.ReadAsync(TestGrainType, "d"));
        Assert.Single(await storage.ReadStreamAsync(Namespace, "c", 0, 10));
        Assert.Equal(2, storage.Statistics.Writes);

        // SQLite names the clashing write, so the others commit together; PostgreSQL's set-based batch statement does
        // not, so its writes are retried one transaction each.
        Assert.Equal(provider == "sqlite" ? 1 : 2, storage.Statistics.Transactions);
    }

    [Theory, StorageProviders]
    public async Task WriteAsync_StaleWritesInOneBatch_FailOnlyThemselves(string provider)
    {
        var options = await StorageFixture.NewOptionsAsync(provider);
        await using (var setup = await StorageFixture.CreateStorageAsync(options))
        {
            await setup.WriteAsync(State("g1", null, "\"v1\""));
        }

        await using var storage = await StorageFixture.CreateStorageAsync(options.With(o =>
        {
            o.MaxBatchSize = 4;
            o.MaxBatchDelay = TimeSpan.FromSeconds(30);
        }));
        var wrongEtag = storage.WriteAsync(State("g1", "7", "\"wrong\""));
        var first = storage.WriteAsync(State("g1", "1", "\"first\""));
        var second = storage.WriteAsync(State("g1", "1", "\"second\""));
        var other = storage.WriteAsync(State("g2", null, "\"other\""));

        Assert.Equal("2", await first);
        Assert.Equal("1", await other);
        Assert.Equal("1", (await Assert.ThrowsAsync<InconsistentStateException>(() => wrongEtag)).StoredEtag);
        Assert.Equal("2", (await Assert.ThrowsAsync<InconsistentStateException>(() => second)).StoredEtag);
        Assert.Equal(new StoredGrainState("2", null, "\"first\""), await storage.ReadAsync(TestGrainType, "g1"));
        Assert.Equal(1, storage.Statistics.Transactions);
    }

    [Theory, StorageProviders]
    public async Task WriteAsync_ChainedWritesToOneGrainInOneBatch_ApplyInArrivalOrderWithTheirEvents(string provider)
    {
        var options = await StorageFixture.NewOptionsAsync(provider);
        await using var storage = await StorageFixture.CreateStorageAsync(options.With(o =>
        {
            o.MaxBatchSize = 3;
            o.MaxBatchDelay = TimeSpan.FromSeconds(30);
        }));

        // The second write expects the ETag the first one produces in the same transaction.
        var create = storage.WriteAsync(State("g1", null, "\"v1\"", version: 1, records: Records(Intent("test/g1", "k1"), Event("g1", 1))));
        var update = storage.WriteAsync(State("g1", "1", "\"v2\"", version: 2, records: Records(Intent("test/g1", "k2"), Event("g1", 2))));
        var other = storage.WriteAsync(State("g2", null, "\"w1\"", version: 1, records: Records(null, Event("g2", 1))));

        Assert.Equal("1", await create);
        Assert.Equal("2", await update);
        Assert.Equal("1", await other);
        Assert.Equal(new StoredGrainState("2", 2, "\"v2\""), await storage.ReadAsync(TestGrainType, "g1"));
        Assert.NotNull(await storage.FindAsync("test/g1", "k2"));
        Assert.Equal([1L, 2L], (await storage.ReadStreamAsync(Namespace, "g1", 0, 10)).Select(e => e.Version));
        Assert.Equal(1, storage.Statistics.Transactions);
    }

    [Theory, StorageProviders]
    public async Task WriteAsync_DatabaseErrorInOneWriteOfABatch_FailsOnlyThatWrite(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider, o =>
        {
            o.MaxBatchSize = 3;
            o.MaxBatchDelay = TimeSpan.FromSeconds(30);
        });

        // A null grain type breaks the table's NOT NULL constraint: a real database error, caused by one write.
        var good1 = storage.WriteAsync(State("g1", null));
        var broken = storage.WriteAsync(State("g2", null) with { GrainType = null! });
        var good2 = storage.WriteAsync(State("g3", null, records: Records(Intent("r3", "k3"))));

        Assert.Equal("1", await good1);
        Assert.Equal("1", await good2);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => broken);
        Assert.NotNull(await storage.FindAsync("r3", "k3"));
        Assert.Equal(1, storage.Statistics.IsolatedBatches);
        Assert.Equal(2, storage.Statistics.Writes);
    }

    [Fact]
    public async Task WriteAsync_PostgresUnreachable_ThrowsStorageUnavailable()
    {
        var options = new StorageOptions
        {
            Provider = StorageOptions.PostgresProvider,
            ConnectionString = $"Host=127.0.0.1;Port={ClosedPort()};Username=postgres;Timeout=5",
        };
        await using var storage = GrainStorageFactory.Create(options, null, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);

        await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.WriteAsync(State("g1", null)));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.ReadAsync(TestGrainType, "g1"));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.MigrateAsync());
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
