using System.Globalization;

namespace OrleansConsistency.Bench.HttpBenchmarks;

/// <summary>
/// Warms a server up under the case's own load until its cost per answer has settled. A fresh .NET process under full
/// load on 2 cores keeps tiering up its hot paths for 15–30 s (measured: the API's CPU per intent falls from 400–600 µs
/// to about 270 µs over that time), so a fixed short warm-up measures start-up rather than the steady state, and by a
/// different amount in each run.
/// </summary>
/// <param name="minimum">Always warm up at least this long.</param>
/// <param name="maximum">Stop warming up after this long even if the cost still moves.</param>
internal sealed class SteadyStateWarmUp(TimeSpan minimum, TimeSpan maximum)
{
    /// <summary>The length of one warm-up window.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Settled: the server's CPU per answer moved by at most this fraction between each of the last three windows. One
    /// quiet step is not enough: tiering up can pause on a plateau for a window (seen: 374 then 369 µs, and 322 µs in
    /// the measured window after it).
    /// </summary>
    public const double Tolerance = 0.05;

    private const int SettledSteps = 2;

    /// <summary>What the warm-up does, for the report.</summary>
    public string Description =>
        $"{minimum.TotalSeconds:0.#} s warm-up, then more {Window.TotalSeconds:0.#} s windows until the server's CPU per accepted answer " +
        $"has changed by less than {Tolerance:P0} from one window to the next twice in a row (at most {maximum.TotalSeconds:0.#} s in all)";

    /// <summary>Warms up; returns how long it took.</summary>
    /// <param name="load">The case's load.</param>
    /// <param name="clients">The case's clients.</param>
    /// <param name="serverCpu">The server process's CPU time so far.</param>
    /// <param name="progress">Where each window's figures are reported.</param>
    public async Task<TimeSpan> RunAsync(IHttpLoad load, int clients, Func<TimeSpan> serverCpu, TextWriter progress)
    {
        var elapsed = TimeSpan.Zero;
        double? previous = null;
        var settledSteps = 0;
        while (true)
        {
            var length = elapsed < minimum ? minimum - elapsed : Window;
            var result = await ServerCostWindow.RunAsync(load, clients, length, serverCpu);
            elapsed += length;
            var cost = result.ServerCpuPerAccepted?.TotalMicroseconds;
            await progress.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"  warm-up {elapsed.TotalSeconds:0} s, {clients} clients: {result.AcceptedPerSecond:N0}/s, {cost:N0} µs CPU per answer"));
            settledSteps = cost is { } now && previous is { } before && Math.Abs(now - before) <= Tolerance * before ? settledSteps + 1 : 0;
            if (elapsed >= maximum || settledSteps >= SettledSteps)
            {
                return elapsed;
            }

            previous = cost;
        }
    }
}
