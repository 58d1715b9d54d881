using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace OrleansConsistency.TestSupport;

/// <summary>
/// A .NET program (<c>dotnet &lt;dll&gt;</c>) in a child process, started and ready once a line of its output matches,
/// so that a test or a benchmark can kill it with SIGKILL the way a crash would: no shutdown hooks, no flushing,
/// nothing graceful. Every child still running when this process exits normally (or calls <see cref="KillAll"/>, e.g.
/// on Ctrl+C) is killed, so none outlives its parent.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    /// <summary>Lines of output kept per process: enough for the tail a failure report shows, bounded for long runs.</summary>
    private const int KeptLines = 20_000;

    private static readonly ConcurrentDictionary<Process, byte> Running = new();
    private static int _exitHookInstalled;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private ChildProcess(Process process, ConcurrentQueue<string> output)
    {
        _process = process;
        _output = output;
    }

    /// <summary>The child's process id.</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has exited (or was killed).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The CPU time (user + system) the process used so far; read afresh from the OS on each call.</summary>
    public TimeSpan TotalProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Everything it printed so far (standard output and error; the last 20,000 lines).</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>
    /// Starts <paramref name="dll"/> with <paramref name="arguments"/> and the given environment, and returns once a line
    /// of its output matches <paramref name="ready"/> (with that match); fails with its output when it exits first or
    /// does not get ready within <paramref name="timeout"/>.
    /// </summary>
    public static async Task<(ChildProcess Process, Match Ready)> StartAsync(
        string what, string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string workingDirectory, Regex ready, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(ready);
        InstallExitHook();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        Running.TryAdd(process, 0);
        var readyLine = new TaskCompletionSource<Match>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new ConcurrentQueue<string>();
        void Keep(string line)
        {
            output.Enqueue(line);
            while (output.Count > KeptLines && output.TryDequeue(out _))
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
            if (ready.Match(e.Data) is { Success: true } match)
            {
                readyLine.TrySetResult(match);
            }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Keep(e.Data); } };
        process.Exited += (_, _) =>
        {
            Running.TryRemove(process, out _);
            readyLine.TrySetException(new InvalidOperationException($"{what} exited with {process.ExitCode}:\n{string.Join('\n', output)}"));
        };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            return (new ChildProcess(process, output), await readyLine.Task.WaitAsync(timeout));
        }
        catch (TimeoutException)
        {
            Kill(process);
            throw new TimeoutException($"{what} was not ready within {timeout}:\n{string.Join('\n', output)}");
        }
    }

    /// <summary>Kills every child process started here that still runs, at once (SIGKILL), without waiting.</summary>
    public static void KillAll()
    {
        foreach (var process in Running.Keys)
        {
            Kill(process);
        }
    }

    /// <summary>Kills the process with SIGKILL and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        Kill(_process);
        await _process.WaitForExitAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // It exited meanwhile.
        }

        Running.TryRemove(process, out _);
    }

    private static void InstallExitHook()
    {
        if (Interlocked.Exchange(ref _exitHookInstalled, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        }
    }
}
