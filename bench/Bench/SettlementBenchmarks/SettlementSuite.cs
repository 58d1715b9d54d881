using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansConsistency.Bench.Harness;
using OrleansConsistency.Grains.Consumers;
using OrleansConsistency.Grains.Interfaces.Consumers;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Grains.Resources;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Bench.SettlementBenchmarks;

/// <summary>
/// Accept→settled latency at a steady rate: intents are submitted on a fixed schedule (open loop, so a slow
/// settlement cannot slow the offered load down), and each one's settlement is taken from the settlement feed.
/// </summary>
public static class SettlementSuite
{
    private const int Resources = 100;

    public static async Task RunAsync(BenchArguments arguments, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        var rate = int.Parse(arguments.Get("rate", "200"), CultureInfo.InvariantCulture);
        var duration = arguments.GetSeconds("duration", TimeSpan.FromSeconds(10));
        await output.WriteLineAsync($"Each case: {rate} intents/s for {duration.TotalSeconds:F0} s over {Resources} resources (open loop), one silo on SQLite (WAL, synchronous=FULL); accept = Submit answered; settled = the settlement notice of a version at or past the intent's.");
        await output.WriteLineAsync();

        var table = new MarkdownTable("Required consumers", "Intents", "Accept p50 (ms)", "Accept p99 (ms)", "Accept→settled p50 (ms)", "p99 (ms)", "max (ms)", "Unsettled at end");
        await using var receiver = await LoopbackWebhookReceiver.StartAsync();
        foreach (var withWebhook in new[] { false, true })
        {
            var result = await MeasureAsync(withWebhook ? receiver.Address : null, rate, duration);
            table.AddRow(
                withWebhook ? "read-model + webhook (loopback)" : "read-model",
                result.Submitted.ToString("N0", CultureInfo.InvariantCulture),
                Ms(result.Accept.Percentile(50)),
                Ms(result.Accept.Percentile(99)),
                Ms(result.Settle.Percentile(50)),
                Ms(result.Settle.Percentile(99)),
                Ms(result.Settle.Max),
                result.Unsettled.ToString(CultureInfo.InvariantCulture));
        }

        await output.WriteLineAsync(table.ToString());

        var subscribers = int.Parse(arguments.Get("subscribers", "1000"), CultureInfo.InvariantCulture);
        await output.WriteLineAsync();
        await output.WriteLineAsync($"### Server-Sent Events: delivery lag with {subscribers:N0} open subscribers");
        await output.WriteLineAsync();
        await output.WriteLineAsync($"The API process (shipped configuration, SQLite), {subscribers / Resources} subscribers on each of {Resources} resources (`GET .../events`), {rate / 2} intents/s over HTTP for {duration.TotalSeconds:F0} s; lag = arrival at the subscriber − the event's `occurredAt` (so it includes the commit).");
        await output.WriteLineAsync();
        await output.WriteLineAsync((await SseLagBenchmark.RunAsync(subscribers, rate / 2, duration)).ToString());
    }

    private static async Task<(long Submitted, LatencyRecorder Accept, LatencyRecorder Settle, int Unsettled)> MeasureAsync(Uri? webhook, int rate, TimeSpan duration)
    {
        await using var cluster = new ProductClusterBuilder()
            .ConfigureServices(services =>
            {
                services.Configure<ConsumersOptions>(options =>
                {
                    options.Consumers["read-model"] = new ConsumerOptions { Kind = "read-model" };
                    if (webhook is not null)
                    {
                        options.Consumers["hooks"] = new ConsumerOptions { Kind = "webhook", Url = webhook, Secret = "benchmark-secret-0123456789" };
                    }
                });
                services.Configure<ResourcesOptions>(options =>
                {
                    options.Defaults.RequiredConsumers.Add("read-model");
                    if (webhook is not null)
                    {
                        options.Defaults.RequiredConsumers.Add("hooks");
                    }
                });
            })
            .Build();
        await cluster.DeployAsync();

        // (resource, version) -> when it was accepted; a notice settles every pending version at or below it.
        var pending = new ConcurrentDictionary<string, ConcurrentDictionary<long, long>>();
        var accept = new LatencyRecorder();
        var settle = new LatencyRecorder();
        var settleLock = new object();
        using var feed = cluster.Primary.Services.GetRequiredService<ISettlementFeed>().Subscribe("bench", null, notice =>
        {
            var now = Stopwatch.GetTimestamp();
            if (pending.TryGetValue(notice.Id, out var versions))
            {
                foreach (var (version, acceptedAt) in versions)
                {
                    if (version <= notice.SettledVersion && versions.TryRemove(version, out _))
                    {
                        lock (settleLock)
                        {
                            settle.Record(acceptedAt, now);
                        }
                    }
                }
            }
        });

        var payload = JsonDocument.Parse("""{"n":1}""").RootElement.Clone();
        // Through the silo's own client, as the API calls its co-hosted silo (the cluster's client is an external one).
        var grains = Enumerable.Range(0, Resources).Select(i => cluster.Primary.GrainFactory.GetGrain<IResourceGrain>($"bench/r{i}")).ToArray();
        foreach (var grain in grains)
        {
            await grain.GetSnapshot();
        }

        var interval = TimeSpan.FromSeconds(1.0 / rate);
        var started = Stopwatch.GetTimestamp();
        var submitted = 0L;
        var inFlight = new List<Task>();
        while (Stopwatch.GetElapsedTime(started) < duration)
        {
            var due = started + (long)(submitted * interval.TotalSeconds * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var index = (int)(submitted % Resources);
            var id = $"r{index}";
            submitted++;
            inFlight.Add(Task.Run(async () =>
            {
                var begin = Stopwatch.GetTimestamp();
                var result = await grains[index].Submit(new Intent(Guid.NewGuid().ToString("N"), IntentOperation.Increment, payload));
                var acceptedAt = Stopwatch.GetTimestamp();
                lock (settleLock)
                {
                    accept.Record(begin, acceptedAt);
                }

                if (result.Status.State == IntentState.Settled)
                {
                    lock (settleLock)
                    {
                        settle.Record(acceptedAt, acceptedAt);
                    }
                }
                else
                {
                    pending.GetOrAdd(id, _ => new ConcurrentDictionary<long, long>())[result.Status.Version!.Value] = acceptedAt;

                    // The notice may have come before the entry was added: ask the grain once more.
                    if ((await grains[index].GetSnapshot()).SettledVersion >= result.Status.Version && pending[id].TryRemove(result.Status.Version.Value, out _))
                    {
                        lock (settleLock)
                        {
                            settle.Record(acceptedAt, Stopwatch.GetTimestamp());
                        }
                    }
                }
            }));
        }

        await Task.WhenAll(inFlight);
        using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (pending.Values.Any(v => !v.IsEmpty) && !drain.IsCancellationRequested)
        {
            await Task.Delay(50, CancellationToken.None);
        }

        return (submitted, accept, settle, pending.Values.Sum(v => v.Count));
    }

    private static string Ms(TimeSpan value) => value.TotalMilliseconds.ToString("N1", CultureInfo.InvariantCulture);
}
