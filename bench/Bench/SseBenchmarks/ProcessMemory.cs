using System.Diagnostics;
using System.Globalization;

namespace OrleansConsistency.Bench.SseBenchmarks;

/// <summary>
/// Another process's memory: its resident set from <c>/proc/PID/status</c>, and its managed heap from
/// <c>dotnet-counters</c> (the .NET diagnostic tool, <c>dotnet tool install -g dotnet-counters</c>) when it is
/// installed: the GC heap size after the last collection, which a process does not expose otherwise.
/// </summary>
internal static class ProcessMemory
{
    /// <summary>Resident set (VmRSS) in bytes.</summary>
    public static long ResidentBytes(int processId)
    {
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/{processId}/status has no VmRSS.");
    }

    /// <summary>Where dotnet-counters is, or null: <c>DOTNET_COUNTERS</c>, then the global tools folder, then PATH.</summary>
    public static string? FindCounters()
    {
        var candidates = new List<string?>
        {
            Environment.GetEnvironmentVariable("DOTNET_COUNTERS"),
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-counters"),
        };
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "dotnet-counters")));
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// The managed heap after the last GC (<c>dotnet.gc.last_collection.heap.size</c>, all generations), read once by
    /// dotnet-counters over a few seconds; null when the tool is missing or printed nothing.
    /// </summary>
    public static async Task<long?> ManagedHeapBytesAsync(string? counters, int processId)
    {
        if (counters is null)
        {
            return null;
        }

        var file = Path.Combine(Path.GetTempPath(), $"oc-bench-counters-{processId}-{Guid.NewGuid():N}.csv");
        var start = new ProcessStartInfo(counters)
        {
            ArgumentList = { "collect", "-p", processId.ToString(CultureInfo.InvariantCulture), "--counters", "System.Runtime[dotnet.gc.last_collection.heap.size]", "--format", "csv", "-o", file, "--duration", "00:00:00:04", "--refresh-interval", "1" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(limit.Token);
        if (!File.Exists(file))
        {
            return null;
        }

        // Rows: Timestamp,Provider,Counter Name,Counter Type,Mean/Increment; one per generation per interval. The
        // last interval's rows, summed over the generations.
        var rows = File.ReadAllLines(file).Skip(1).Select(l => l.Split(',')).Where(c => c.Length >= 5).ToList();
        File.Delete(file);
        if (rows.Count == 0)
        {
            return null;
        }

        var last = rows[^1][0];
        return (long)rows.Where(r => r[0] == last).Sum(r => double.Parse(r[^1], CultureInfo.InvariantCulture));
    }
}
