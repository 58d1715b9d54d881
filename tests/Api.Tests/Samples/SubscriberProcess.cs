using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Threading.Channels;

namespace OrleansConsistency.Api.Tests.Samples;

/// <summary>
/// <c>samples/StreamSubscriber</c> as a real process (<c>dotnet &lt;dll&gt; …</c>, from the sample's own build output),
/// with its standard output line by line and its standard error kept apart: the sample's contract is about which
/// stream says what.
/// </summary>
internal sealed class SubscriberProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _output = Channel.CreateUnbounded<string>();
    private readonly ConcurrentQueue<string> _outputSoFar = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly TaskCompletionSource _outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _errorsClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SubscriberProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Where the build put the sample (compiled in by Api.Tests.csproj).</summary>
    public static string Dll { get; } = typeof(SubscriberProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "StreamSubscriberPath").Value!;

    /// <summary>Every line of standard output so far.</summary>
    public IReadOnlyList<string> OutputSoFar => [.. _outputSoFar];

    /// <summary>Every line of standard error so far.</summary>
    public IReadOnlyList<string> Errors => [.. _errors];

    public int ExitCode => _process.ExitCode;

    public static SubscriberProcess Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(Dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var subscriber = new SubscriberProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                subscriber._output.Writer.TryComplete();
                subscriber._outputClosed.TrySetResult();
                return;
            }

            subscriber._outputSoFar.Enqueue(e.Data);
            subscriber._output.Writer.TryWrite(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                subscriber._errorsClosed.TrySetResult();
                return;
            }

            subscriber._errors.Enqueue(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return subscriber;
    }

    /// <summary>The next line of standard output; fails with what the process said when it ends first.</summary>
    public async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await _output.Reader.WaitToReadAsync(cancellationToken) && _output.Reader.TryRead(out var line))
            {
                return line;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The subscriber printed no further line. Standard error:\n{string.Join('\n', Errors)}");
        }

        throw new InvalidOperationException($"The subscriber ended its output. Standard error:\n{string.Join('\n', Errors)}");
    }

    /// <summary>Waits for the process to exit by itself and for both its outputs to be read to the end.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        await Task.WhenAll(_outputClosed.Task, _errorsClosed.Task).WaitAsync(cancel.Token);
        return _process.ExitCode;
    }

    /// <summary>Kills the process and waits until it and its outputs are gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        await Task.WhenAll(_outputClosed.Task, _errorsClosed.Task).WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
