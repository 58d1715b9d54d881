using System.Diagnostics;

namespace OrleansConsistency.Bench.Harness;

/// <summary>
/// Runs N workers that each issue one operation at a time, back to back (a closed loop: like N clients waiting for
/// their answers), first for a warm-up, then for a measured window.
/// </summary>
public static class ClosedLoop
{
    private const int WarmingUp = 0;
    private const int Measuring = 1;
    private const int Stopped = 2;

    /// <summary>Runs the loop and returns what completed inside the measured window.</summary>
    /// <param name="workers">How many operations are in flight at any time.</param>
    /// <param name="operation">One operation of worker <c>i</c>; an exception ends the run with that exception.</param>
    /// <param name="warmUp">How long to run before measuring (activations, JIT, connection pools, caches).</param>
    /// <param name="duration">How long to measure.</param>
    /// <param name="measurementStarting">Runs just before the window opens, e.g. to reset counters.</param>
    public static async Task<LoadResult> RunAsync(
        int workers, Func<int, Task> operation, TimeSpan warmUp, TimeSpan duration, Action? measurementStarting = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workers);
        ArgumentNullException.ThrowIfNull(operation);
        var phase = WarmingUp;
        long windowOpened = long.MaxValue;

        async Task<(LatencyRecorder Latency, long Completed)> WorkAsync(int worker)
        {
            var recorder = new LatencyRecorder();
            long completed = 0;
            while (Volatile.Read(ref phase) != Stopped)
            {
                var start = Stopwatch.GetTimestamp();
                var pending = operation(worker);
                var completedSynchronously = pending.IsCompleted;
                await pending;
                var end = Stopwatch.GetTimestamp();

                // Throughput counts what completed inside the window, whenever it started: in a steady state that is
                // unbiased even when one operation takes a good part of the window. Latency also takes what was still
                // running when the window closed, or a starved operation would never show.
                var now = Volatile.Read(ref phase);
                if (now == Measuring)
                {
                    completed++;
                    recorder.Record(start, end);
                }
                else if (now == Stopped && end > Volatile.Read(ref windowOpened))
                {
                    recorder.Record(start, end);
                }

                if (completedSynchronously)
                {
                    // Otherwise a worker whose operations never yield would keep this thread, and the caller's.
                    await Task.Yield();
                }
            }

            return (recorder, completed);
        }

        // Each worker issues its first operation right here, so all N are in flight from the start. Started through
        // Task.Run they would queue in the thread pool's global queue, and under load the few that ran first would
        // keep the threads busy through the threads' local queues while the rest never started: fewer callers than
        // asked for, and latencies that look better than they are.
        var tasks = Enumerable.Range(0, workers).Select(WorkAsync).ToArray();
        try
        {
            var all = Task.WhenAll(tasks);
            await BenchProgress.WaitAsync($"{workers} workers: warm-up", warmUp, all);
            measurementStarting?.Invoke();
            var window = Stopwatch.StartNew();
            Volatile.Write(ref windowOpened, Stopwatch.GetTimestamp());
            Volatile.Write(ref phase, Measuring);
            await BenchProgress.WaitAsync($"{workers} workers: measuring", duration, all);
            Volatile.Write(ref phase, Stopped);
            window.Stop();

            var latency = new LatencyRecorder();
            long operations = 0;
            var fewest = long.MaxValue;
            foreach (var (recorder, completed) in await Task.WhenAll(tasks))
            {
                latency.Merge(recorder);
                operations += completed;
                fewest = Math.Min(fewest, completed);
            }

            return new LoadResult(workers, operations, window.Elapsed, latency, fewest);
        }
        finally
        {
            // A failed worker must not leave the others running into the next case.
            Volatile.Write(ref phase, Stopped);
        }
    }
}
