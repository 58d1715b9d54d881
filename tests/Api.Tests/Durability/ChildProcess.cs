using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace OrleansConsistency.Api.Tests.Durability;

/// <summary>
/// A .NET program (<c>dotnet &lt;dll&gt;</c>) in a child process, started and ready once a line of its output matches,
/// so that a test can kill it with SIGKILL the way a crash would: no shutdown hooks, no flushing, nothing graceful.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private ChildProcess(Process process, ConcurrentQueue<string> output)
    {
        _process = process;
        _output = output;
    }

    /// <summary>Everything it printed so far (standard output and error).</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>
    /// Starts <paramref name="dll"/> with <paramref name="arguments"/> and the given environment, and returns once a line
    /// of its output matches <paramref name="ready"/> (with that match); fails with its output when it exits first or
    /// does not get ready within <paramref name="timeout"/>.
    /// </summary>
    public static async Task<(ChildProcess Process, Match Ready)> StartAsync(
        string what, string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string workingDirectory, Regex ready, TimeSpan timeout)
    {
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
        var readyLine = new TaskCompletionSource<Match>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            output.Enqueue(e.Data);
            if (ready.Match(e.Data) is { Success: true } match)
            {
                readyLine.TrySetResult(match);
            }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.Exited += (_, _) => readyLine.TrySetException(new InvalidOperationException($"{what} exited with {process.ExitCode}:\n{string.Join('\n', output)}"));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            return (new ChildProcess(process, output), await readyLine.Task.WaitAsync(timeout));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{what} was not ready within {timeout}:\n{string.Join('\n', output)}");
        }
    }

    /// <summary>Kills the process with SIGKILL and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
