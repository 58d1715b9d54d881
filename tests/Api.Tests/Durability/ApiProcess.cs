extern alias api;

using System.Diagnostics;
using System.Text.RegularExpressions;

namespace OrleansConsistency.Api.Tests.Durability;

/// <summary>
/// The real API (with its co-hosted silo) in a child process on a loopback port, so a test can kill it with SIGKILL
/// the way a crash would: no shutdown hooks, no flushing, nothing graceful.
/// </summary>
internal sealed partial class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ApiProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<ApiProcess> StartAsync(
        string storageProvider,
        string connectionString,
        string workingDirectory,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var apiDll = typeof(api::Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { apiDll, "--urls", "http://127.0.0.1:0" },
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Silo__Storage__Provider"] = storageProvider;
        start.Environment["Silo__Storage__ConnectionString"] = connectionString;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            output.Enqueue(e.Data);
            if (ListeningLine().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"The API exited with {process.ExitCode}:\n{string.Join('\n', output)}"));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            return new ApiProcess(process, await listening.Task.WaitAsync(timeout));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The API did not start listening within {timeout}:\n{string.Join('\n', output)}");
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

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
