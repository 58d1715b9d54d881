using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansConsistency.Bench.Harness;
using OrleansConsistency.Grains.Consumers;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Grains.Resources;
using OrleansConsistency.Storage;
using OrleansConsistency.Storage.Cluster.Leases;
using OrleansConsistency.Storage.Cluster.Membership;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Bench.ClusterBenchmarks;

/// <summary>
/// Time from submitting an intent to its settlement by the read-model consumer, with clustered silos that share the
/// consumer by leases. Each intent is counted as "same silo" when the silo that committed it (the grain's owner)
/// leases the resource's partition, else as "other silo": then the event reaches the consumer through the events
/// poller (<c>Silo:Cluster:ConsumerEventPollInterval</c>), which is the latency the leases add. The silos are an
/// Orleans in-process test cluster (<see cref="ProductClusterBuilder"/>); the leases use the project's own membership
/// rows in PostgreSQL (<c>Silo:Cluster:Enabled</c>).
/// </summary>
public static class ConsumerSettleBenchmark
{
    private static readonly JsonElement Payload = JsonDocument.Parse("""{"n":1}""").RootElement.Clone();

    /// <summary>Runs <paramref name="clients"/> closed-loop clients (submit, wait until settled) and adds a row per path to <paramref name="table"/>.</summary>
    public static async Task MeasureAsync(int silos, int clients, int resources, TimeSpan warmUp, TimeSpan duration, MarkdownTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var builder = await new ProductClusterBuilder((short)silos)
            .ConfigureSilo(options => options.Cluster.Enabled = true)
            .ConfigureServices(services =>
            {
                services.Configure<ConsumersOptions>(options => options.Consumers["read-model"] = new ConsumerOptions { Kind = "read-model" });
                services.Configure<ResourcesOptions>(options => options.Defaults.RequiredConsumers.Add("read-model"));
            })
            .UseFreshStorageAsync(StorageOptions.PostgresProvider);
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        await WaitForLeasesAsync(cluster);
        var owners = new System.Collections.Concurrent.ConcurrentDictionary<string, SiloAddress?>(StringComparer.Ordinal);

        var sameSilo = new LatencyRecorder();
        var otherSilo = new LatencyRecorder();
        var counting = false;
        var sequence = new long[clients];
        await ClosedLoop.RunAsync(
            clients,
            async client =>
            {
                var n = sequence[client]++;
                var key = $"settle/r{(client * 7919 + n) % resources}";
                var grain = cluster.Silos[(int)(n % cluster.Silos.Count)].GrainFactory.GetGrain<IResourceGrain>(key);
                var started = Stopwatch.GetTimestamp();
                var accepted = await grain.Submit(new Intent($"c{client}-{n}", IntentOperation.Increment, Payload));
                var status = await grain.WaitForIntentStatus(accepted.Status.IdempotencyKey, TimeSpan.FromSeconds(30));
                var ended = Stopwatch.GetTimestamp();
                if (status?.State != IntentState.Settled)
                {
                    throw new InvalidOperationException($"Intent {accepted.Status.IdempotencyKey} did not settle: {status?.State}.");
                }

                if (Volatile.Read(ref counting))
                {
                    var recorder = await CommittedWhereLeasedAsync(cluster, owners, key) ? sameSilo : otherSilo;
                    lock (recorder)
                    {
                        recorder.Record(started, ended);
                    }
                }
            },
            warmUp,
            duration,
            () => Volatile.Write(ref counting, true));

        foreach (var (path, recorder) in new[] { ("same silo", sameSilo), ("other silo (poller)", otherSilo) })
        {
            if (recorder.Count > 0)
            {
                table.AddRow(
                    silos.ToString(CultureInfo.InvariantCulture),
                    path,
                    recorder.Count.ToString(CultureInfo.InvariantCulture),
                    Ms(recorder.Percentile(50)),
                    Ms(recorder.Percentile(99)));
            }
        }
    }

    private static string Ms(TimeSpan value) => value.TotalMilliseconds.ToString("N1", CultureInfo.InvariantCulture);

    /// <summary>
    /// True when the silo hosting the grain of <paramref name="key"/> (found through Orleans' management grain, then
    /// cached: activations stay where they are during a run) leases the key's read-model partition.
    /// </summary>
    private static async Task<bool> CommittedWhereLeasedAsync(ProductCluster cluster, System.Collections.Concurrent.ConcurrentDictionary<string, SiloAddress?> owners, string key)
    {
        if (!owners.TryGetValue(key, out var owner))
        {
            var grain = cluster.Primary.GrainFactory.GetGrain<IResourceGrain>(key);
            owner = await cluster.Primary.GrainFactory.GetGrain<IManagementGrain>(0).GetActivationAddress(grain);
            owners[key] = owner;
        }

        var committer = cluster.Silos.FirstOrDefault(s => s.Handle.SiloAddress.Equals(owner));
        return committer?.Services.GetRequiredService<ConsumerLeases>().Holds("read-model", key) ?? false;
    }

    private static async Task WaitForLeasesAsync(ProductCluster cluster)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (cluster.Silos.Any(s => s.Services.GetRequiredService<ClusterMembership>().CurrentView.Members.Length != cluster.Silos.Count)
            || cluster.Silos.Sum(s => s.Services.GetRequiredService<ConsumerLeases>().HeldPartitions("read-model").Count)
                != cluster.Primary.Services.GetRequiredService<ConsumerLeases>().Partitions
            || cluster.Silos.Any(s => s.Services.GetRequiredService<ConsumerLeases>().HeldPartitions("read-model").Count == 0))
        {
            await Task.Delay(100, limit.Token);
        }
    }
}
