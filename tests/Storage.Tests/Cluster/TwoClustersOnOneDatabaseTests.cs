using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using OrleansConsistency.Storage.Tests.Grains;
using OrleansConsistency.Storage.Tests.Storage;
using OrleansConsistency.TestGrains;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Storage.Tests.Cluster;

/// <summary>
/// Two Orleans clusters that know nothing of each other over one database: each has its own activation of the same
/// grain, as two activations may exist for a moment during a membership change or a partition. Only the storage's
/// ETag compare-and-swap keeps them apart: one commits each version, the other gets Orleans'
/// <see cref="InconsistentStateException"/>, nothing of its write is stored, and it recovers by reloading.
/// </summary>
public sealed class TwoClustersOnOneDatabaseTests
{
    private const string ProbeCounterRowType = "probecounter";

    [Theory, StorageProviders]
    public async Task StaleWrite_ThrowsInconsistentState_ChangesNothing_AndTheWriterRecoversByReloading(string provider)
    {
        await using var pair = await ClusterPair.StartAsync(provider);
        var key = Guid.NewGuid().ToString();
        var onA = pair.A.GrainFactory.GetGrain<IProbeCounterGrain>(key);
        var onB = pair.B.GrainFactory.GetGrain<IProbeCounterGrain>(key);
        var firstOnB = await onB.Report();
        Assert.Equal(0, firstOnB.Value); // B's activation has read "no row".
        Assert.Equal(10, (await onA.Add(10)).Value);
        var committedByA = await pair.ReadRowAsync(key);

        var stale = await Assert.ThrowsAsync<InconsistentStateException>(() => onB.Add(1));

        Assert.Equal(committedByA.Etag, stale.StoredEtag);
        Assert.Equal(committedByA, await pair.ReadRowAsync(key));

        // Orleans deactivated B's activation when the exception left it; the next call reloads A's value.
        var reloaded = await onB.Report();
        Assert.Equal(10, reloaded.Value);
        Assert.NotEqual(firstOnB.ActivationId, reloaded.ActivationId);
        Assert.Equal(11, (await onB.Add(1)).Value);

        // Now A is the stale one, and recovers the same way.
        await Assert.ThrowsAsync<InconsistentStateException>(() => onA.Add(100));
        Assert.Equal(12, (await onA.Add(1)).Value);
        Assert.Equal(12, StoredValue(await pair.ReadRowAsync(key)));
    }

    [Theory, StorageProviders]
    public async Task ConcurrentWritersInBothClusters_CommitEveryVersionExactlyOnce(string provider)
    {
        await using var pair = await ClusterPair.StartAsync(provider);
        var key = Guid.NewGuid().ToString();
        const int incrementsEach = 25;

        var fromA = IncrementAsync(pair.A.GrainFactory.GetGrain<IProbeCounterGrain>(key), incrementsEach);
        var fromB = IncrementAsync(pair.B.GrainFactory.GetGrain<IProbeCounterGrain>(key), incrementsEach);
        var committed = (await Task.WhenAll(fromA, fromB)).SelectMany(values => values).ToList();

        // Every acknowledged increment produced its own value: no version was committed by both activations.
        Assert.Equal(Enumerable.Range(1, 2 * incrementsEach).Select(v => (long)v), committed.Order());
        Assert.Equal(2 * incrementsEach, StoredValue(await pair.ReadRowAsync(key)));
    }

    [Theory, StorageProviders]
    public async Task ClearState_KeepsStaleWritersOut(string provider)
    {
        await using var pair = await ClusterPair.StartAsync(provider);
        var key = Guid.NewGuid().ToString();
        var onA = pair.A.GrainFactory.GetGrain<ICounterGrain>(key);
        var onB = pair.B.GrainFactory.GetGrain<ICounterGrain>(key);
        await onA.Add(3);
        Assert.Equal(3, await onB.GetValue());

        await onA.Clear();

        // The cleared row keeps a new ETag, so the activation that read before the clear cannot write over it; its
        // next activation reads the cleared state.
        await Assert.ThrowsAsync<InconsistentStateException>(() => onB.Add(1));
        Assert.Equal(0, await onB.GetValue());
        Assert.Equal(1, await onB.Add(1));

        // The activation that cleared holds the default state too, as with Orleans' own providers, not its old value.
        Assert.Equal(0, await onA.GetValue());
    }

    /// <summary>Adds 1, <paramref name="count"/> times, retrying each after a conflict (on a reloaded activation).</summary>
    private static async Task<List<long>> IncrementAsync(IProbeCounterGrain counter, int count)
    {
        var values = new List<long>(count);
        while (values.Count < count)
        {
            try
            {
                values.Add((await counter.Add(1)).Value);
            }
            catch (InconsistentStateException)
            {
                // The other cluster took this version; the retry goes after it.
            }

            // Let the other cluster's writer in between, so that the two really interleave.
            await Task.Yield();
        }

        return values;
    }

    private static long StoredValue(StoredGrainState row)
    {
        using var payload = JsonDocument.Parse(row.Payload!);
        return payload.RootElement.GetProperty("value").GetInt64();
    }

    /// <summary>Two one-silo clusters on the same fresh database of one provider.</summary>
    private sealed class ClusterPair : IAsyncDisposable
    {
        private ClusterPair(ProductCluster a, ProductCluster b) => (A, B) = (a, b);

        public ProductCluster A { get; }

        public ProductCluster B { get; }

        public static async Task<ClusterPair> StartAsync(string provider)
        {
            var connectionString = provider == StorageOptions.PostgresProvider
                ? await StorageFixture.NewPostgresConnectionStringAsync("twoclusters")
                : StorageFixture.NewSqliteConnectionString("twoclusters");
            var a = new ProductClusterBuilder().UseStorage(provider, connectionString).Build();
            var b = new ProductClusterBuilder().UseStorage(provider, connectionString).Build();
            try
            {
                await a.DeployAsync();
                await b.DeployAsync();
            }
            catch
            {
                await b.DisposeAsync();
                await a.DisposeAsync();
                throw;
            }

            return new ClusterPair(a, b);
        }

        /// <summary>The counter's row as the database has it, read past both clusters' activations.</summary>
        public async Task<StoredGrainState> ReadRowAsync(string key) =>
            await A.Primary.Services.GetRequiredService<StorageProvider>().ReadAsync(ProbeCounterRowType, key)
            ?? throw new InvalidOperationException($"No row for {ProbeCounterRowType}/{key}.");

        public async ValueTask DisposeAsync()
        {
            await B.DisposeAsync();
            await A.DisposeAsync();
        }
    }
}
