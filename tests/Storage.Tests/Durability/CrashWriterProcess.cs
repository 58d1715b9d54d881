using System.Diagnostics;
using System.Globalization;
using System.Text;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Storage.Tests.Durability;

/// <summary>
/// Runs the CrashWriter (a real silo writing counters under load) as a child process, reads what it acknowledges, and
/// kills it with SIGKILL once enough writes were acknowledged.
/// </summary>
internal static class CrashWriterProcess
{
    /// <summary>Where the build copies the CrashWriter (see the CopyCrashWriter target of this project).</summary>
    public static string AssemblyPath => Path.Combine(AppContext.BaseDirectory, "crashwriter", "OrleansConsistency.CrashWriter.dll");

    /// <summary>
    /// Starts the writer on the given storage, waits until it acknowledged <paramref name="acksBeforeKill"/> writes and
    /// printed statistics, kills it, and returns everything it printed, including what it printed between the kill
    /// signal and its death.
    /// </summary>
    /// <exception cref="TimeoutException">Not enough acknowledgements within <paramref name="timeout"/>.</exception>
    /// <exception cref="InvalidOperationException">The writer ended on its own.</exception>
    public static async Task<CrashRun> RunAndKillAsync(string provider, string connectionString, int acksBeforeKill, TimeSpan timeout)
    {
        if (!File.Exists(AssemblyPath))
        {
            throw new InvalidOperationException($"The CrashWriter is missing at {AssemblyPath}; build the test project, which copies it there.");
        }

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,

            // No appsettings.json there, so the storage is exactly what the environment below says.
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(AssemblyPath);
        start.Environment["Silo__Storage__Provider"] = provider;
        start.Environment["Silo__Storage__ConnectionString"] = connectionString;

        // Free ports rather than Orleans' 11111/30000, which another test run or a developer's silo may hold.
        var siloPort = FreePort.Next();
        var gatewayPort = FreePort.Next();
        while (gatewayPort == siloPort)
        {
            gatewayPort = FreePort.Next();
        }

        start.Environment["Silo__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["Silo__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["CrashWriter__MaxSeconds"] = ((int)timeout.TotalSeconds + 30).ToString(CultureInfo.InvariantCulture);

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the CrashWriter.");
        var standardError = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (standardError)
            {
                standardError.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();

        var parser = new Parser();
        try
        {
            using var deadline = new CancellationTokenSource(timeout);
            while (parser.AckCount < acksBeforeKill || parser.LastStatistics is not { Writes: > 0 })
            {
                string? line;
                try
                {
                    line = await process.StandardOutput.ReadLineAsync(deadline.Token);
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested)
                {
                    throw new TimeoutException(
                        $"The CrashWriter acknowledged {parser.AckCount} of {acksBeforeKill} writes in {timeout}. Its log:{Environment.NewLine}{Text(standardError)}");
                }

                if (line is null)
                {
                    throw new InvalidOperationException(
                        $"The CrashWriter ended on its own after {parser.AckCount} acknowledgements. Its log:{Environment.NewLine}{Text(standardError)}");
                }

                parser.Add(line);
            }

            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();

            // What it wrote before it died was acknowledged too. A line cut off by the kill has no line break yet and
            // is left out; every complete line was written after its write returned.
            var rest = await process.StandardOutput.ReadToEndAsync();
            var complete = rest.LastIndexOf('\n');
            foreach (var line in rest[..(complete + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                parser.Add(line);
            }

            return new CrashRun(parser.Acknowledged, parser.AckCount, parser.LastStatistics, process.ExitCode, Text(standardError));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }

    private static string Text(StringBuilder standardError)
    {
        lock (standardError)
        {
            return standardError.ToString();
        }
    }

    private sealed class Parser
    {
        public Dictionary<string, long> Acknowledged { get; } = new(StringComparer.Ordinal);

        public int AckCount { get; private set; }

        public CommitStatistics? LastStatistics { get; private set; }

        public void Add(string line)
        {
            var parts = line.Split(' ');
            switch (parts)
            {
                case ["ACK", var key, var text]:
                    var value = long.Parse(text, CultureInfo.InvariantCulture);
                    AckCount++;
                    Acknowledged[key] = Math.Max(value, Acknowledged.GetValueOrDefault(key));
                    break;
                case ["STATS", var transactions, var writes, var max]:
                    LastStatistics = new CommitStatistics(
                        long.Parse(transactions, CultureInfo.InvariantCulture),
                        long.Parse(writes, CultureInfo.InvariantCulture),
                        long.Parse(max, CultureInfo.InvariantCulture));
                    break;
                case ["READY"]:
                    break;
                default:
                    throw new FormatException($"Unexpected line from the CrashWriter: '{line}'.");
            }
        }
    }
}
