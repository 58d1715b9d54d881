using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace OrleansConsistency.Bench.HttpBenchmarks;

/// <summary>
/// An HTTP server in a child process on a loopback port it chose itself (<c>127.0.0.1:0</c>), found by the
/// "Now listening on:" line it prints. Both the API and the plain baseline run this way, so that neither shares the
/// load generator's thread pool, garbage collector or JIT with the server.
/// </summary>
internal sealed partial class ChildServer : IAsyncDisposable
{
    private const int KeptLines = 40;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lastLines;

    private ChildServer(Process process, Uri address, ConcurrentQueue<string> lastLines)
    {
        _process = process;
        Address = address;
        _lastLines = lastLines;
    }

    /// <summary>Where it listens, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public Uri Address { get; }

    /// <summary>The server's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>CPU time the server process has used so far (user and kernel).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The last lines it wrote to stdout and stderr, for error messages.</summary>
    public string LastOutput => string.Join('\n', _lastLines);

    /// <summary>Starts <paramref name="start"/> (output redirected here) and waits until it listens.</summary>
    public static async Task<ChildServer> StartAsync(ProcessStartInfo start, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);

        // Only the last lines are kept: a server that logs per request must not grow the bench's memory.
        var lines = new ConcurrentQueue<string>();
        void Keep(string line)
        {
            lines.Enqueue(line);
            while (lines.Count > KeptLines && lines.TryDequeue(out _))
            {
            }
        }

        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            Keep(e.Data);
            if (ListeningLine().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Keep(e.Data);
            }
        };
        process.Exited += (_, _) => listening.TrySetException(
            new InvalidOperationException($"{start.FileName} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}:\n{string.Join('\n', lines)}"));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            return new ChildServer(process, await listening.Task.WaitAsync(timeout), lines);
        }
        catch
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
            throw;
        }
    }

    /// <summary>Stops the server (SIGKILL: what it wrote is committed, and nothing else is measured after this).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
