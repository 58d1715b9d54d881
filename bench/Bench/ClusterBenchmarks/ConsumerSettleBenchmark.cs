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
using OrleansConsistency.Grains.Interfaces.Streams;
using OrleansConsistency.Storage.Streams;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Bench.ClusterBenchmarks;

/// <summary>
/// Time from submitting an intent to its settlement by the read-model consumer, with clustered silos that share the
/// event log's stream queues (Orleans' queue balancer gives each queue to one silo; the consumer grain of a resource
/// is placed where its queue is read). Each intent is counted as "same silo" when the silo that committed it (the
/// resource grain's owner) reads the resource's queue, so the commit wakes the reader at once
/// (<c>Silo:Streams:WakeCheckInterval</c>), else as "other silo": then the reader finds the event at its next poll
/// (<c>Silo:Streams:PollInterval</c>), which is the latency spreading the queues adds. The silos are an Orleans
/// in-process test cluster (<see cref="ProductClusterBuilder"/>) on PostgreSQL.
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
        await StreamQueues.WaitUntilBalancedAsync(cluster);
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
                    var recorder = await CommittedWhereReadAsync(cluster, owners, key) ? sameSilo : otherSilo;
                    lock (recorder)
                    {
                        recorder.Record(started, ended);
                    }
                }
            },
            warmUp,
            duration,
            () => Volatile.Write(ref counting, true));

        foreach (var (path, recorder) in new[] { ("same silo", sameSilo), ("other silo (poll)", otherSilo) })
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
    /// cached: activations stay where they are during a run) reads the stream queue of the resource's events.
    /// </summary>
    private static async Task<bool> CommittedWhereReadAsync(ProductCluster cluster, System.Collections.Concurrent.ConcurrentDictionary<string, SiloAddress?> owners, string key)
    {
        if (!owners.TryGetValue(key, out var owner))
        {
            var grain = cluster.Primary.GrainFactory.GetGrain<IResourceGrain>(key);
            owner = await cluster.Primary.GrainFactory.GetGrain<IManagementGrain>(0).GetActivationAddress(grain);
            owners[key] = owner;
        }

        var committer = cluster.Silos.FirstOrDefault(s => s.Handle.SiloAddress.Equals(owner));
        return committer is not null && StreamQueues.Of(committer).IsReadHere(ResourceStreams.Of(ResourceKey.ParseGrainKey(key)));
    }

}
