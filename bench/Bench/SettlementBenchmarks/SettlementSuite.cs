using System.CommandLine;
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
using OrleansConsistency.Grains.Interfaces.Streams;
using OrleansConsistency.Grains.Resources;
using OrleansConsistency.Storage;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Bench.SettlementBenchmarks;

/// <summary>
/// Accept→settled latency at a steady rate: intents are submitted on a fixed schedule (open loop, so a slow
/// settlement cannot slow the offered load down), and each one's settlement is taken from the settlement feed.
/// Options: <c>--rate 200</c>, <c>--duration 10</c>, <c>--cases sqlite,sqlite+webhook,postgresql-3</c> (database, then
/// the silo count of one in-process test cluster, 1 when left out; <c>+webhook</c> also requires a loopback webhook),
/// <c>--warmup 0</c> (seconds of the same load before the measured part, not counted; 0 measures from the first intent,
/// cold streams and consumer grains included), <c>--set Silo:Streams:PollInterval=00:00:00.020;...</c> (silo settings),
/// <c>--subscribers 1000</c> (the SSE table after it; 0 skips it; see also the <c>sse</c> suite).
/// </summary>
public static class SettlementSuite
{
    private static readonly Option<string> Rate = BenchOptions.Text("rate", "200", "Intents per second offered (open loop).");

    private static readonly Option<TimeSpan?> Duration = BenchOptions.Seconds("duration", "Seconds measured per case (default 10).");

    private static readonly Option<TimeSpan?> WarmUp = BenchOptions.Seconds("warmup", "Seconds of the same load before measuring, not counted (default 0).", allowZero: true);

    private static readonly Option<string> Cases = BenchOptions.Text("cases", "sqlite,sqlite+webhook,postgresql-3", "Cases, comma-separated: sqlite or postgresql, -N for N silos, +webhook for a webhook consumer.");

    private static readonly Option<string> Set = BenchOptions.Text("set", "", "Silo settings for every case, key=value;key=value.");

    private static readonly Option<string> Subscribers = BenchOptions.Text("subscribers", "1000", "Event-stream subscribers for the fan-out part (0 skips it).");

    /// <summary>The options the suite reads, for its command.</summary>
    public static IReadOnlyList<Option> Options { get; } = [Rate, Duration, WarmUp, Cases, Set, Subscribers];

    private const int Resources = 100;

    public static async Task RunAsync(ParseResult arguments, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        var rate = int.Parse(arguments.GetValue(Rate)!, CultureInfo.InvariantCulture);
        var duration = arguments.GetValue(Duration) ?? TimeSpan.FromSeconds(10);
        var warmUp = arguments.GetValue(WarmUp) ?? TimeSpan.Zero;
        var cases = arguments.GetValue(Cases)!.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var settings = ParseSettings(arguments.GetValue(Set)!);
        await output.WriteLineAsync($"Each case: {rate} intents/s for {duration.TotalSeconds:F0} s over {Resources} resources (open loop), after {warmUp.TotalSeconds:F0} s of the same load not counted; SQLite: WAL, synchronous=FULL; PostgreSQL: a local server (`synchronous_commit=on`); silos: one Orleans `InProcessTestCluster` in this process, submits spread over the silos' own clients. Accept = Submit answered; settled = the settlement notice of a version at or past the intent's (notices are per silo: the bench listens on every silo).");
        if (settings.Count > 0)
        {
            await output.WriteLineAsync($"Silo settings: {string.Join(", ", settings.Select(s => $"`{s.Key}={s.Value}`"))}.");
        }

        await output.WriteLineAsync("CPU µs/intent: this process's CPU (the silos and the load) in the measured part ÷ intents; \"+ server\" adds the PostgreSQL server's. With several silos, \"same / other silo p99\": intents whose committing silo reads the resource's stream queue (woken by the commit) / does not (found by the reader's poll). Idle CPU: this process over 3 s with the silos started and no load.");
        await output.WriteLineAsync();

        var table = new MarkdownTable("Case", "Silos", "Intents", "Accept p50 (ms)", "Accept p99 (ms)", "Accept→settled p50 (ms)", "p99 (ms)", "max (ms)", "Unsettled at end", "Same / other silo p99 (ms) [intents]", "CPU µs/intent", "Idle CPU (% of a core)", "Load avg (1 min)");
        await using var receiver = await LoopbackWebhookReceiver.StartAsync();
        foreach (var name in cases)
        {
            var withWebhook = name.EndsWith("+webhook", StringComparison.Ordinal);
            var spec = withWebhook ? name[..^"+webhook".Length] : name;
            var parts = spec.Split('-');
            var provider = parts[0] switch
            {
                "sqlite" => StorageOptions.SqliteProvider,
                "postgresql" => StorageOptions.PostgresProvider,
                _ => throw new ArgumentException($"--cases: unknown database '{parts[0]}' in '{name}' (sqlite or postgresql)."),
            };
            var silos = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 1;
            var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            var result = await MeasureAsync(provider, silos, withWebhook ? receiver.Address : null, rate, warmUp, duration, settings);
            table.AddRow(
                (withWebhook ? "read-model + webhook (loopback)" : "read-model") + ", " + parts[0],
                silos.ToString(CultureInfo.InvariantCulture),
                result.Submitted.ToString("N0", CultureInfo.InvariantCulture),
                Ms(result.Accept.Percentile(50)),
                Ms(result.Accept.Percentile(99)),
                Ms(result.Settle.Percentile(50)),
                Ms(result.Settle.Percentile(99)),
                Ms(result.Settle.Max),
                result.Unsettled.ToString(CultureInfo.InvariantCulture),
                silos == 1 ? "" : $"{Ms(result.SameSilo.Percentile(99))} [{result.SameSilo.Count:N0}] / {Ms(result.OtherSilo.Percentile(99))} [{result.OtherSilo.Count:N0}]",
                result.ServerCpuMicroseconds is { } server ? $"{result.CpuMicroseconds:N0} + {server:N0}" : $"{result.CpuMicroseconds:N0}",
                result.IdleCpuPercent.ToString("N0", CultureInfo.InvariantCulture),
                load);
        }

        await output.WriteLineAsync(table.ToString());

        var subscribers = int.Parse(arguments.GetValue(Subscribers)!, CultureInfo.InvariantCulture);
        if (subscribers == 0)
        {
            return;
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync($"### Server-Sent Events: delivery lag with {subscribers:N0} open subscribers");
        await output.WriteLineAsync();
        await output.WriteLineAsync($"The API process (shipped configuration, SQLite), {subscribers / Resources} subscribers on each of {Resources} resources (`GET .../events`), {rate / 2} intents/s over HTTP for {duration.TotalSeconds:F0} s; lag = arrival at the subscriber − the event's `occurredAt` (so it includes the commit).");
        await output.WriteLineAsync();
        await output.WriteLineAsync((await SseLagBenchmark.RunAsync(subscribers, rate / 2, duration)).ToString());
    }

    private static Dictionary<string, string?> ParseSettings(string text) =>
        text.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : null, StringComparer.OrdinalIgnoreCase);

    private static async Task<SettlementResult> MeasureAsync(string provider, int silos, Uri? webhook, int rate, TimeSpan warmUp, TimeSpan duration, IReadOnlyDictionary<string, string?> settings)
    {
        var clusterBuilder = new ProductClusterBuilder((short)silos);
        foreach (var (key, value) in settings)
        {
            clusterBuilder.ConfigureSetting(key, value);
        }

        clusterBuilder.ConfigureServices(services =>
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
            });
        PostgresCpu? serverCpu = null;
        if (provider == StorageOptions.PostgresProvider)
        {
            await clusterBuilder.UseFreshStorageAsync(provider);
            serverCpu = await PostgresCpu.FindAsync((await PostgresServer.StartAsync()).AdminConnectionString);
        }

        await using var cluster = clusterBuilder.Build();
        await cluster.DeployAsync();
        var siloList = cluster.Silos;
        await StreamQueues.WaitUntilBalancedAsync(cluster);

        // (resource, version) -> when it was accepted; a notice settles every pending version at or below it.
        var pending = new ConcurrentDictionary<string, ConcurrentDictionary<long, long>>();
        var accept = new LatencyRecorder();
        var settle = new LatencyRecorder();
        var sameSilo = new LatencyRecorder();
        var otherSilo = new LatencyRecorder();
        var woken = new bool[Resources];
        var counting = warmUp == TimeSpan.Zero;
        var settleLock = new object();
        void Settled(int index, long acceptedAt, long now)
        {
            if (!Volatile.Read(ref counting))
            {
                return;
            }

            lock (settleLock)
            {
                settle.Record(acceptedAt, now);
                if (silos > 1)
                {
                    (woken[index] ? sameSilo : otherSilo).Record(acceptedAt, now);
                }
            }
        }

        var feeds = siloList.Select(silo => silo.Services.GetRequiredService<ISettlementFeed>().Subscribe("bench", null, notice =>
        {
            var now = Stopwatch.GetTimestamp();
            if (pending.TryGetValue(notice.Id, out var versions))
            {
                foreach (var (version, acceptedAt) in versions)
                {
                    if (version <= notice.SettledVersion && versions.TryRemove(version, out _))
                    {
                        Settled(int.Parse(notice.Id.AsSpan(1), CultureInfo.InvariantCulture), acceptedAt, now);
                    }
                }
            }
        })).ToList();

        try
        {
            var payload = JsonDocument.Parse("""{"n":1}""").RootElement.Clone();
            // Through the silos' own clients, as the API calls its co-hosted silo (the cluster's client is an external one).
            var grains = Enumerable.Range(0, Resources).Select(i => siloList[i % siloList.Count].GrainFactory.GetGrain<IResourceGrain>($"bench/r{i}")).ToArray();
            foreach (var grain in grains)
            {
                await grain.GetSnapshot();
            }

            if (silos > 1)
            {
                var management = cluster.Primary.GrainFactory.GetGrain<IManagementGrain>(0);
                for (var i = 0; i < Resources; i++)
                {
                    var owner = await management.GetActivationAddress(grains[i]);
                    var committer = siloList.FirstOrDefault(s => s.Handle.SiloAddress.Equals(owner));
                    woken[i] = committer is not null && StreamQueues.Of(committer).IsReadHere(ResourceStreams.Of(new ResourceKey("bench", $"r{i}")));
                }
            }

            // What the silos cost doing nothing (the pulling agents' timers, the sweeps), so that the CPU per intent
            // can be read as idle + work.
            var idleBefore = Process.GetCurrentProcess().TotalProcessorTime;
            await Task.Delay(TimeSpan.FromSeconds(3));
            var idlePercent = (Process.GetCurrentProcess().TotalProcessorTime - idleBefore).TotalMilliseconds / 30;

            var interval = TimeSpan.FromSeconds(1.0 / rate);
            var started = Stopwatch.GetTimestamp();
            var submitted = 0L;
            var measured = 0L;
            var cpuBefore = TimeSpan.Zero;
            var serverBefore = TimeSpan.Zero;
            var inFlight = new List<Task>();
            if (counting)
            {
                cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                serverBefore = serverCpu?.Read() ?? TimeSpan.Zero;
            }

            while (Stopwatch.GetElapsedTime(started) < warmUp + duration)
            {
                if (!counting && Stopwatch.GetElapsedTime(started) >= warmUp)
                {
                    cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                    serverBefore = serverCpu?.Read() ?? TimeSpan.Zero;
                    Volatile.Write(ref counting, true);
                }

                var due = started + (long)(submitted * interval.TotalSeconds * Stopwatch.Frequency);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(wait);
                }

                var index = (int)(submitted % Resources);
                var id = $"r{index}";
                submitted++;
                var counted = Volatile.Read(ref counting);
                if (counted)
                {
                    measured++;
                }

                inFlight.Add(Task.Run(async () =>
                {
                    var begin = Stopwatch.GetTimestamp();
                    var result = await grains[index].Submit(new Intent(Guid.NewGuid().ToString("N"), IntentOperation.Increment, payload));
                    var acceptedAt = Stopwatch.GetTimestamp();
                    if (counted)
                    {
                        lock (settleLock)
                        {
                            accept.Record(begin, acceptedAt);
                        }
                    }

                    if (result.Status.State == IntentState.Settled)
                    {
                        Settled(index, acceptedAt, acceptedAt);
                    }
                    else
                    {
                        pending.GetOrAdd(id, _ => new ConcurrentDictionary<long, long>())[result.Status.Version!.Value] = acceptedAt;

                        // The notice may have come before the entry was added: ask the grain once more.
                        if ((await grains[index].GetSnapshot()).SettledVersion >= result.Status.Version && pending[id].TryRemove(result.Status.Version.Value, out _))
                        {
                            Settled(index, acceptedAt, Stopwatch.GetTimestamp());
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

            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            double? server = serverCpu is null ? null : (serverCpu.Read() - serverBefore).TotalMicroseconds / measured;
            return new SettlementResult(measured, accept, settle, pending.Values.Sum(v => v.Count), sameSilo, otherSilo, cpu.TotalMicroseconds / measured, server, idlePercent);
        }
        finally
        {
            foreach (var feed in feeds)
            {
                feed.Dispose();
            }
        }
    }


    private sealed record SettlementResult(long Submitted, LatencyRecorder Accept, LatencyRecorder Settle, int Unsettled, LatencyRecorder SameSilo, LatencyRecorder OtherSilo, double CpuMicroseconds, double? ServerCpuMicroseconds, double IdleCpuPercent);

    private static string Ms(TimeSpan value) => value.TotalMilliseconds.ToString("N1", CultureInfo.InvariantCulture);
}
