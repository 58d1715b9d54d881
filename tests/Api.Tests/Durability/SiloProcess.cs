using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace OrleansConsistency.Api.Tests.Durability;

/// <summary>A real silo (<c>dotnet run --project Silo</c>'s binary) in a child process, joined to a cluster, for SIGKILL tests.</summary>
internal sealed partial class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private SiloProcess(Process process, ConcurrentQueue<string> output)
    {
        _process = process;
        _output = output;
    }

    public string Output => string.Join('\n', _output);

    /// <summary>Starts a silo and returns once it has joined the cluster.</summary>
    public static async Task<SiloProcess> StartAsync(string name, IReadOnlyDictionary<string, string> environment, string workingDirectory, TimeSpan timeout)
    {
        var siloDll = Path.Combine(AppContext.BaseDirectory, "silo", "OrleansConsistency.Silo.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { siloDll },
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Silo__Name"] = name;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__OrleansConsistency.Cluster.Membership"] = "Information";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            output.Enqueue(e.Data);
            if (JoinedLine().IsMatch(e.Data))
            {
                joined.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.Exited += (_, _) => joined.TrySetException(new InvalidOperationException($"Silo {name} exited with {process.ExitCode}:\n{string.Join('\n', output)}"));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await joined.Task.WaitAsync(timeout);
            return new SiloProcess(process, output);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"Silo {name} did not join within {timeout}:\n{string.Join('\n', output)}");
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

    [GeneratedRegex("joined the cluster at")]
    private static partial Regex JoinedLine();
}
