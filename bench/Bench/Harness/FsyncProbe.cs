using System.Diagnostics;

namespace OrleansConsistency.Bench.Harness;

/// <summary>
/// Measures what one fsync costs in a directory. A transaction per write pays at least one; group commit shares it,
/// so this number explains most of the gap between the two.
/// </summary>
public static class FsyncProbe
{
    /// <summary>The mean time of writing 4 KiB and flushing it to the device, over <paramref name="samples"/> tries.</summary>
    public static TimeSpan Measure(string directory, int samples = 200)
    {
        var path = Path.Combine(directory, $"fsync-probe-{Guid.NewGuid():N}");
        var block = new byte[4096];
        try
        {
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1);
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < samples; i++)
            {
                file.Write(block);
                file.Flush(flushToDisk: true);
            }

            return watch.Elapsed / samples;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
