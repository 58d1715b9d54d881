using System.Diagnostics;
using System.Globalization;
using OrleansConsistency.Bench.Harness;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Bench.ClusterBenchmarks;

/// <summary>
/// Recovery after SIGKILL of one of 3 silo processes: a fresh cluster per run, with resources active on every silo;
/// the silo that hosts the most of them is killed, and from that moment each resource is called (one
/// <c>Submit</c> at a time, retried after a failure) until it has accepted an intent again. Reported: when Orleans'
/// membership table marked the killed silo Dead (polled every 100 ms) and when the last resource answered again.
/// </summary>
internal static class RecoveryBenchmark
{
    /// <summary>A call that has not answered in this long is given up and sent again (same idempotency key).</summary>
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromMilliseconds(500);

    /// <summary>The pause after a failed call before the next.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a run may wait for the cluster to be whole, for the death, and for every resource.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    private sealed record Run(
        string Detection, int Number, int Resources, int OnKilled, string KilledName,
        TimeSpan? FirstVote, TimeSpan? DeclaredDead, TimeSpan AllAnswered, TimeSpan KilledFirst, TimeSpan KilledLast, long Rejected, long TimedOut);

    /// <summary>Runs <paramref name="runs"/> kills for each of <paramref name="detections"/> and writes the table.</summary>
    public static async Task RunAsync(PostgresServer server, IReadOnlyList<FailureDetection> detections, int runs, int resources, TextWriter output)
    {
        var results = new List<Run>();
        foreach (var detection in detections)
        {
            for (var run = 1; run <= runs; run++)
            {
                var result = await KillOnceAsync(server, detection, run, resources);
                results.Add(result);
                await Console.Error.WriteLineAsync($"{detection.Name}, run {run}: dead after {Seconds(result.DeclaredDead)} s, all answered after {Seconds(result.AllAnswered)} s");
            }
        }

        var table = new MarkdownTable(
            "Failure detection", "Run:", "Resources on the killed silo:", "First suspicion vote, s:", "Marked Dead in the table, s:",
            "Every resource answering again, s:", "Killed silo's resources: first / last, s:", "Failed calls (rejected / timed out):");
        foreach (var r in results)
        {
            table.AddRow(
                r.Detection,
                Text(r.Number),
                $"{Text(r.OnKilled)} of {Text(r.Resources)} ({r.KilledName})",
                Seconds(r.FirstVote),
                Seconds(r.DeclaredDead),
                $"**{Seconds(r.AllAnswered)}**",
                $"{Seconds(r.KilledFirst)} / {Seconds(r.KilledLast)}",
                $"{Text(r.Rejected)} / {Text(r.TimedOut)}");
        }

        await output.WriteLineAsync(
            $"Times from the SIGKILL. Each resource is called from the bench's Orleans client from the kill on: one `Submit` at a time, a failed call retried after {RetryDelay.TotalMilliseconds:0} ms, " +
            $"a call unanswered after {AttemptTimeout.TotalMilliseconds:0} ms given up and sent again with the same idempotency key. The membership table is polled every 100 ms.");
        await output.WriteLineAsync();
        foreach (var detection in detections)
        {
            await output.WriteLineAsync($"- {detection.Name}: {detection.Describe()}");
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync(table.ToString());
    }

    private static async Task<Run> KillOnceAsync(PostgresServer server, FailureDetection detection, int number, int resources)
    {
        await using var cluster = await SiloCluster.StartAsync(server, 3, detection, $"kill{(detection.Environment.Count == 0 ? "d" : "t")}{number}");
        await WaitAsync(async () => (await cluster.ReadMembershipAsync()).Count(r => r.Status == MembershipRow.Active) == 3, "3 Active silos in the membership table");
        await ResourceSubmits.ActivateAsync(cluster.Client, resources);

        // Where each resource lives now, by the silo's Orleans port.
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        var hosts = new int[resources];
        for (var r = 0; r < resources; r++)
        {
            var address = await management.GetActivationAddress(ResourceSubmits.Resource(cluster.Client, "bench", r));
            hosts[r] = address?.Endpoint.Port ?? 0;
        }

        var victim = cluster.Silos.MaxBy(s => hosts.Count(port => port == s.SiloPort))!;
        var onVictim = Enumerable.Range(0, resources).Where(r => hosts[r] == victim.SiloPort).ToHashSet();
        if (onVictim.Count == 0)
        {
            throw new InvalidOperationException($"No resource was placed on any silo of the cluster; hosts: {string.Join(", ", hosts.Distinct())}.");
        }

        using var bound = new CancellationTokenSource(Bound);
        var clock = Stopwatch.StartNew();
        var killedAt = clock.Elapsed;
        await victim.KillAsync();

        TimeSpan? firstVote = null, declaredDead = null;
        var watching = Task.Run(async () =>
        {
            while (declaredDead is null && !bound.IsCancellationRequested)
            {
                var row = (await cluster.ReadMembershipAsync(bound.Token)).Single(r => r.Port == victim.SiloPort);
                if (row.SuspectVotes > 0)
                {
                    firstVote ??= clock.Elapsed - killedAt;
                }

                if (row.Status == MembershipRow.Dead)
                {
                    declaredDead = clock.Elapsed - killedAt;
                }

                await Task.Delay(100, bound.Token);
            }
        });

        long rejected = 0, timedOut = 0;
        var answered = await Task.WhenAll(Enumerable.Range(0, resources).Select(async r =>
        {
            var grain = ResourceSubmits.Resource(cluster.Client, "bench", r);
            var intent = ResourceSubmits.Increment($"after-kill-{r}");
            while (true)
            {
                bound.Token.ThrowIfCancellationRequested();
                try
                {
                    await grain.Submit(intent).WaitAsync(AttemptTimeout, bound.Token);
                    return clock.Elapsed - killedAt;
                }
                catch (TimeoutException)
                {
                    Interlocked.Increment(ref timedOut);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    Interlocked.Increment(ref rejected);
                    await Task.Delay(RetryDelay, bound.Token);
                }
            }
        }));

        // The death may be written after the last resource answered (another silo took the grains over first).
        await WaitAsync(() => Task.FromResult(declaredDead is not null), "the killed silo to be marked Dead");
        await watching;
        var killed = onVictim.Select(r => answered[r]).ToList();
        return new Run(
            detection.Name, number, resources, onVictim.Count, victim.Name, firstVote, declaredDead, answered.Max(), killed.Min(), killed.Max(), rejected, timedOut);
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > Bound)
            {
                throw new TimeoutException($"Waited {Bound.TotalSeconds:0} s for {what}.");
            }

            await Task.Delay(100);
        }
    }

    private static string Seconds(TimeSpan? value) => value is { } v ? v.TotalSeconds.ToString("N2", CultureInfo.InvariantCulture) : "never";

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
