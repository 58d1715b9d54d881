using System.Diagnostics;
using System.Globalization;
using OrleansConsistency.Bench.Harness;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Bench.ClusterBenchmarks;

/// <summary>
/// A long run of 3 silo processes with Orleans' shipped failure detection under closed-loop load: does the membership
/// protocol declare a silo dead (or vote on one) that never died, when the silos share two busy cores? The membership
/// table is read every second; a table row per interval shows throughput over time.
/// </summary>
internal static class SoakBenchmark
{
    /// <summary>What the soak is told to do.</summary>
    public sealed record Settings(TimeSpan Duration, TimeSpan Interval, int Clients, int Resources);

    /// <summary>Runs the soak and writes its tables.</summary>
    public static async Task RunAsync(PostgresServer server, Settings settings, TextWriter output)
    {
        await using var cluster = await SiloCluster.StartAsync(server, 3, FailureDetection.Defaults, "soak");
        await ResourceSubmits.ActivateAsync(cluster.Client, settings.Resources);
        var load = new ResourceSubmits(cluster.Client, "soak", settings.Resources, settings.Clients);

        // Votes and statuses are sampled every second: a vote can be withdrawn (Orleans rewrites the row's votes) before
        // an interval ends.
        var mostVotes = new Dictionary<string, int>(StringComparer.Ordinal);
        var notActive = new List<string>();
        using var stop = new CancellationTokenSource();
        var started = DateTimeOffset.UtcNow;
        var watching = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var row in await cluster.ReadMembershipAsync(stop.Token))
                {
                    lock (mostVotes)
                    {
                        mostVotes[row.SiloName] = Math.Max(mostVotes.GetValueOrDefault(row.SiloName), row.SuspectVotes);
                        if (row.Status != MembershipRow.Active && !notActive.Any(n => n.StartsWith(row.SiloName + " ", StringComparison.Ordinal)))
                        {
                            notActive.Add($"{row.SiloName} {row.StatusName} at {(DateTimeOffset.UtcNow - started).TotalSeconds:N0} s");
                        }
                    }
                }

                await Task.Delay(1000, stop.Token);
            }
        });

        var table = new MarkdownTable("From s:", "To s:", "Accepted intents/s:", "p50 ms:", "p99 ms:", "Max ms:", "Failed calls:", "Silo CPU, % of a core:", "Membership at the end");
        var clock = Stopwatch.StartNew();
        try
        {
            var windows = (int)Math.Ceiling(settings.Duration / settings.Interval);
            for (var i = 0; i < windows; i++)
            {
                var from = clock.Elapsed;
                var window = i < windows - 1 ? settings.Interval : settings.Duration - (settings.Interval * i);
                var failedBefore = load.Failed;
                var cpuBefore = cluster.SilosCpu();
                var result = await ClosedLoop.RunAsync(settings.Clients, load.SubmitToleratingFailuresAsync, TimeSpan.Zero, window);
                var cpu = cluster.SilosCpu() - cpuBefore;
                var rows = await cluster.ReadMembershipAsync();
                table.AddRow(
                    from.TotalSeconds.ToString("N0", CultureInfo.InvariantCulture),
                    clock.Elapsed.TotalSeconds.ToString("N0", CultureInfo.InvariantCulture),
                    result.PerSecond.ToString("N0", CultureInfo.InvariantCulture),
                    Ms(result.Latency.Percentile(50)),
                    Ms(result.Latency.Percentile(99)),
                    Ms(result.Latency.Max),
                    (load.Failed - failedBefore).ToString(CultureInfo.InvariantCulture),
                    (100 * cpu.TotalSeconds / (clock.Elapsed - from).TotalSeconds).ToString("N0", CultureInfo.InvariantCulture),
                    SiloCluster.Describe(rows));
                await Console.Error.WriteLineAsync($"soak {clock.Elapsed.TotalSeconds:N0} s: {result.PerSecond:N0}/s, {SiloCluster.Describe(rows)}");
            }
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await watching;
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        }

        var exited = cluster.Silos.Where(s => s.HasExited).Select(s => s.Name).ToList();
        await output.WriteLineAsync(
            $"3 silo processes, {FailureDetection.Defaults.Describe()}, {settings.Clients} closed-loop clients over {settings.Resources:N0} resources for {settings.Duration.TotalSeconds:N0} s " +
            "(no warm-up: the first rows include the processes' start-up). The membership table was read every second.");
        await output.WriteLineAsync();
        await output.WriteLineAsync(table.ToString());
        lock (mostVotes)
        {
            var voted = mostVotes.Where(v => v.Value > 0).Select(v => $"{v.Key} ({v.Value} at most)").ToList();
            var verdict = notActive.Count == 0 && voted.Count == 0 && exited.Count == 0
                ? "**No silo was declared dead or suspected**: every row stayed Active with no suspicion votes, and every silo process ran to the end."
                : $"**Not clean**: left Active: {(notActive.Count == 0 ? "none" : string.Join(", ", notActive))}; suspicion votes on: {(voted.Count == 0 ? "none" : string.Join(", ", voted))}; processes that exited: {(exited.Count == 0 ? "none" : string.Join(", ", exited))}.";
            output.WriteLine(verdict);
        }

        await output.WriteLineAsync($"Intents accepted: {load.Accepted:N0}; failed calls: {load.Failed:N0}.");
    }

    private static string Ms(TimeSpan value) => value.TotalMilliseconds.ToString("N1", CultureInfo.InvariantCulture);
}
