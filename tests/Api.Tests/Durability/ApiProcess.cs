extern alias api;

using System.Globalization;
using System.Text.RegularExpressions;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Api.Tests.Durability;

/// <summary>
/// The real API (with its co-hosted silo) in a child process on a loopback port, so a test can kill it with SIGKILL
/// the way a crash would.
/// </summary>
internal sealed partial class ApiProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private ApiProcess(ChildProcess process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Everything it printed so far (standard output and error).</summary>
    public string Output => _process.Output;

    /// <summary>Starts the API; <paramref name="settings"/> are configuration keys (<c>a:b</c>) or environment names (<c>a__b</c>).</summary>
    public static async Task<ApiProcess> StartAsync(string storageProvider, string connectionString, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Silo__Storage__Provider"] = storageProvider,
            ["Silo__Storage__ConnectionString"] = connectionString,
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",

            // Tests run side by side: the co-hosted silo gets Orleans ports of its own (settings may still name others).
            ["Silo__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Silo__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),

            // Clients made with TestApiKeys.ClientFor send this key.
            [TestApiKeys.BootstrapEnvironment] = TestApiKeys.Operator,
        };
        foreach (var (key, value) in TestLimits.Environment)
        {
            environment[key] = value;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var (process, ready) = await ChildProcess.StartAsync(
            "The API", typeof(api::Program).Assembly.Location, ["--urls", "http://127.0.0.1:0"], environment, workingDirectory, ListeningLine(), timeout);
        return new ApiProcess(process, new Uri(ready.Groups[1].Value));
    }

    /// <summary>Kills the process with SIGKILL and waits until it is gone.</summary>
    public Task KillAsync() => _process.KillAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
