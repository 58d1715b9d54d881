namespace OrleansConsistency.Bench.HttpBenchmarks;

/// <summary>One window of load with the server's CPU time per accepted answer, for warm-up and measurement alike.</summary>
internal static class ServerCostWindow
{
    /// <summary>
    /// Runs <paramref name="clients"/> clients for <paramref name="length"/>; the result carries
    /// <see cref="HttpCaseResult.ServerCpuPerAccepted"/> when anything was accepted.
    /// </summary>
    /// <param name="load">The case's load.</param>
    /// <param name="clients">The case's clients.</param>
    /// <param name="length">How long the window is.</param>
    /// <param name="serverCpu">The server process's CPU time so far.</param>
    public static async Task<HttpCaseResult> RunAsync(IHttpLoad load, int clients, TimeSpan length, Func<TimeSpan> serverCpu)
    {
        var cpuAtStart = TimeSpan.Zero;
        var result = await load.RunWindowAsync(clients, length, () => cpuAtStart = serverCpu());
        var accepted = result.AcceptedPerSecond * length.TotalSeconds;
        return accepted > 0 ? result with { ServerCpuPerAccepted = (serverCpu() - cpuAtStart) / accepted } : result;
    }
}
