using System.Runtime.InteropServices;

namespace OrleansConsistency.Bench.Harness;

/// <summary>Describes the machine a benchmark ran on, so that its numbers can be compared with others' fairly.</summary>
public static class MachineInfo
{
    /// <summary>One line per fact, as a Markdown list.</summary>
    public static IReadOnlyList<string> Describe()
    {
        var lines = new List<string>
        {
            $"- Cores: {Environment.ProcessorCount}" + (CpuModel() is { } model ? $" ({model})" : string.Empty),
            $"- OS: {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})",
            $"- .NET: {RuntimeInformation.FrameworkDescription}, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC",
        };
        if (LoadAverage() is { } load)
        {
            lines.Add($"- Load average at start (1, 5, 15 min): {load}");
        }

#if DEBUG
        lines.Add("- WARNING: a Debug build; run with -c Release for numbers worth comparing.");
#endif
        return lines;
    }

    private static string? LoadAverage()
    {
        const string loadAverage = "/proc/loadavg";
        return File.Exists(loadAverage) ? string.Join(", ", File.ReadAllText(loadAverage).Split(' ').Take(3)) : null;
    }

    private static string? CpuModel()
    {
        const string cpuInfo = "/proc/cpuinfo";
        if (!File.Exists(cpuInfo))
        {
            return null;
        }

        return File.ReadLines(cpuInfo)
            .Where(line => line.StartsWith("model name", StringComparison.Ordinal))
            .Select(line => line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())
            .FirstOrDefault();
    }
}
