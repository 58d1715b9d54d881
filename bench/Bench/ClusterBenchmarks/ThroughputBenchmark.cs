using System.Diagnostics;
using System.Globalization;
using OrleansConsistency.Bench.Harness;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Bench.ClusterBenchmarks;

/// <summary>
/// Accepted intents per second of clusters of different sizes (1 and 3 silo processes by default), all up at once on
/// one PostgreSQL, measured in alternating rounds (1, 3, then 3, 1, …) so that the machine's drift hits both alike.
/// Each measurement is a closed loop of the Orleans client in this process; CPU per accepted intent is charged to the
/// measured cluster's silo processes, the PostgreSQL server (all of it: the idle cluster's polling too) and this
/// process, each read from the OS over exactly the interval whose accepted intents it is divided by.
/// </summary>
internal static class ThroughputBenchmark
{
    private static readonly TimeSpan QuietSample = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan QuietBound = TimeSpan.FromSeconds(60);

    /// <summary>What the benchmark is told to do.</summary>
    public sealed record Settings(int[] SiloCounts, int[] Clients, int Resources, int Rounds, TimeSpan Prime, TimeSpan WarmUp, TimeSpan Duration);

    private sealed record Measurement(int Round, int Silos, int Clients, LoadResult Load, TimeSpan[] SiloCpu, TimeSpan? PostgresCpu, TimeSpan BenchCpu, TimeSpan IdleClustersCpu, long Accepted, TimeSpan Elapsed)
    {
        public double PerIntentMicroseconds(TimeSpan cpu) => cpu.TotalMicroseconds / Accepted;
    }

    /// <summary>Runs the benchmark and writes its tables.</summary>
    public static async Task RunAsync(PostgresServer server, PostgresCpu? postgres, Settings settings, TextWriter output)
    {
        var clusters = new Dictionary<int, SiloCluster>();
        var measurements = new List<Measurement>();
        try
        {
            foreach (var silos in settings.SiloCounts.Distinct())
            {
                var cluster = await SiloCluster.StartAsync(server, silos, FailureDetection.Defaults, $"load{silos}");
                clusters.Add(silos, cluster);
                await output.WriteLineAsync($"- {silos} silo(s) up: {SiloCluster.Describe(await cluster.ReadMembershipAsync())}");
            }

            // Every resource activated and every process's hot paths jitted before any window: a fresh .NET process
            // under load keeps tiering up for tens of seconds on these cores.
            foreach (var (silos, cluster) in clusters)
            {
                await ResourceSubmits.ActivateAsync(cluster.Client, settings.Resources);
                var priming = new ResourceSubmits(cluster.Client, $"prime{silos}", settings.Resources, settings.Clients.Max());
                await ClosedLoop.RunAsync(settings.Clients.Max(), priming.SubmitAsync, TimeSpan.Zero, settings.Prime);
            }

            for (var round = 1; round <= settings.Rounds; round++)
            {
                foreach (var clients in settings.Clients)
                {
                    var order = round % 2 == 1 ? settings.SiloCounts : [.. settings.SiloCounts.Reverse()];
                    foreach (var silos in order)
                    {
                        var measurement = await MeasureAsync(clusters, silos, round, clients, postgres, settings);
                        measurements.Add(measurement);
                        await Console.Error.WriteLineAsync(
                            $"round {round}, {silos} silo(s), {clients} clients: {measurement.Load.PerSecond:N0}/s");
                    }
                }
            }
        }
        finally
        {
            foreach (var cluster in clusters.Values)
            {
                await cluster.DisposeAsync();
            }
        }

        await output.WriteLineAsync();
        await WriteTablesAsync(measurements, settings, postgres is not null, output);
    }

    private static async Task<Measurement> MeasureAsync(
        Dictionary<int, SiloCluster> clusters, int silos, int round, int clients, PostgresCpu? postgres, Settings settings)
    {
        var cluster = clusters[silos];
        var idle = clusters.Where(c => c.Key != silos).Select(c => c.Value).ToList();
        var load = new ResourceSubmits(cluster.Client, $"round{round}-{clients}", settings.Resources, clients);
        var quiet = await WaitUntilQuietAsync(clusters.Values);
        var bench = Process.GetCurrentProcess();
        TimeSpan[] silosBefore = [];
        TimeSpan? postgresBefore = null;
        TimeSpan benchBefore = TimeSpan.Zero, idleBefore = TimeSpan.Zero;
        long acceptedBefore = 0;
        long startedAt = 0;
        var result = await ClosedLoop.RunAsync(
            clients,
            load.SubmitAsync,
            settings.WarmUp,
            settings.Duration,
            () =>
            {
                startedAt = Stopwatch.GetTimestamp();
                acceptedBefore = load.Accepted;
                silosBefore = [.. cluster.Silos.Select(s => s.TotalProcessorTime)];
                postgresBefore = postgres?.Read();
                bench.Refresh();
                benchBefore = bench.TotalProcessorTime;
                idleBefore = idle.Aggregate(TimeSpan.Zero, (sum, c) => sum + c.SilosCpu());
            });

        // Read right after the loop's last answers: the same interval for the CPU and for the intents it is divided by.
        var accepted = load.Accepted - acceptedBefore;
        var elapsed = Stopwatch.GetElapsedTime(startedAt);
        var siloCpu = cluster.Silos.Select((s, i) => s.TotalProcessorTime - silosBefore[i]).ToArray();
        var postgresCpu = postgres?.Read() - postgresBefore;
        bench.Refresh();
        var benchCpu = bench.TotalProcessorTime - benchBefore;
        var idleCpu = idle.Aggregate(TimeSpan.Zero, (sum, c) => sum + c.SilosCpu()) - idleBefore;
        await Console.Error.WriteLineAsync($"(waited {quiet.TotalSeconds:N0} s for quiet silos)");
        return new Measurement(round, silos, clients, result, siloCpu, postgresCpu, benchCpu, idleCpu, accepted, elapsed);
    }

    /// <summary>
    /// Waits (at most 60 s) until the clusters' silos use less than 5 % of a core each on average (an idle silo's own
    /// work, membership and the stream queues' polling, is 1–6 % here): the last
    /// measurement's cluster keeps working after its load stops (its read-model consumers catch up with the events),
    /// and that work must not be charged to the next measurement, on this cluster or on another one.
    /// </summary>
    private static async Task<TimeSpan> WaitUntilQuietAsync(IEnumerable<SiloCluster> clusters)
    {
        var waited = Stopwatch.StartNew();
        var all = clusters.ToList();
        while (waited.Elapsed < QuietBound)
        {
            var before = all.Aggregate(TimeSpan.Zero, (sum, c) => sum + c.SilosCpu());
            await Task.Delay(QuietSample);
            var used = all.Aggregate(TimeSpan.Zero, (sum, c) => sum + c.SilosCpu()) - before;
            if (used < QuietSample * 0.05 * all.Sum(c => c.Silos.Count))
            {
                return waited.Elapsed;
            }
        }

        await Console.Error.WriteLineAsync($"the silos did not get quiet within {QuietBound.TotalSeconds:0} s; measuring anyway");
        return waited.Elapsed;
    }

    private static async Task WriteTablesAsync(List<Measurement> measurements, Settings settings, bool withPostgres, TextWriter output)
    {
        var rounds = new MarkdownTable(
            "Round:", "Silos:", "Clients:", "Accepted intents/s:", "p50 ms:", "p99 ms:",
            "CPU µs/intent: silos (each):", "PostgreSQL:", "bench client:", "total:", "idle cluster, % of a core:");
        foreach (var m in measurements)
        {
            var silos = m.SiloCpu.Aggregate(TimeSpan.Zero, (sum, cpu) => sum + cpu);
            var total = silos + (m.PostgresCpu ?? TimeSpan.Zero) + m.BenchCpu;
            rounds.AddRow(
                Text(m.Round),
                Text(m.Silos),
                Text(m.Clients),
                m.Load.PerSecond.ToString("N0", CultureInfo.InvariantCulture),
                Ms(m.Load.Latency.Percentile(50)),
                Ms(m.Load.Latency.Percentile(99)),
                Micro(m.PerIntentMicroseconds(silos)) + (m.SiloCpu.Length > 1 ? $" ({string.Join(" + ", m.SiloCpu.Select(c => Micro(m.PerIntentMicroseconds(c))))})" : string.Empty),
                m.PostgresCpu is { } pg ? Micro(m.PerIntentMicroseconds(pg)) : "n/a",
                Micro(m.PerIntentMicroseconds(m.BenchCpu)),
                Micro(m.PerIntentMicroseconds(total)) + (withPostgres ? string.Empty : " (no PostgreSQL)"),
                (100 * m.IdleClustersCpu.TotalSeconds / m.Elapsed.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture));
        }

        await output.WriteLineAsync($"Every measurement: {settings.WarmUp.TotalSeconds:0.#} s warm-up, then a {settings.Duration.TotalSeconds:0.#} s window; rounds alternate the order of the clusters. " +
            "CPU per intent: user + system time of each process over the window (`/proc`), divided by the intents accepted in it. " +
            "Before each measurement the bench waits until the silos use under 5 % of a core each on average (at most 60 s), so that no cluster still works off the previous load (its read-model consumers). " +
            "\"Idle cluster\": the other cluster's silo processes during the window (no load: Orleans' membership probes and the stream queues' polling).");
        await output.WriteLineAsync();
        await output.WriteLineAsync(rounds.ToString());

        var sizes = settings.SiloCounts.Distinct().ToArray();
        if (sizes.Length < 2)
        {
            return;
        }

        var (one, many) = (sizes.Min(), sizes.Max());
        var summary = new MarkdownTable(
            "Clients:", $"{one} silo(s): intents/s (median):", $"{many} silos: intents/s (median):", $"{many} ÷ {one}, per round:", "median ratio:",
            $"CPU µs/intent, {one} / {many} silos (median):");
        foreach (var clients in settings.Clients)
        {
            var ofOne = measurements.Where(m => m.Silos == one && m.Clients == clients).OrderBy(m => m.Round).ToList();
            var ofMany = measurements.Where(m => m.Silos == many && m.Clients == clients).OrderBy(m => m.Round).ToList();
            var ratios = ofOne.Zip(ofMany, (a, b) => b.Load.PerSecond / a.Load.PerSecond).ToList();
            summary.AddRow(
                Text(clients),
                Median(ofOne.Select(m => m.Load.PerSecond)).ToString("N0", CultureInfo.InvariantCulture),
                Median(ofMany.Select(m => m.Load.PerSecond)).ToString("N0", CultureInfo.InvariantCulture),
                string.Join(", ", ratios.Select(r => r.ToString("N2", CultureInfo.InvariantCulture))),
                $"**{Median(ratios).ToString("N2", CultureInfo.InvariantCulture)}×**",
                $"{Micro(Median(ofOne.Select(TotalPerIntent)))} / {Micro(Median(ofMany.Select(TotalPerIntent)))}");
        }

        await output.WriteLineAsync(summary.ToString());
    }

    private static double TotalPerIntent(Measurement m) =>
        m.PerIntentMicroseconds(m.SiloCpu.Aggregate(TimeSpan.Zero, (sum, cpu) => sum + cpu) + (m.PostgresCpu ?? TimeSpan.Zero) + m.BenchCpu);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Ms(TimeSpan value) => value.TotalMilliseconds.ToString("N1", CultureInfo.InvariantCulture);

    private static string Micro(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
