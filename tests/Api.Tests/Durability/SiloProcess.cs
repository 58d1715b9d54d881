using System.Globalization;
using System.Text.RegularExpressions;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Api.Tests.Durability;

/// <summary>A real silo (<c>dotnet run --project Silo</c>'s binary) in a child process, joined to a cluster, for SIGKILL tests.</summary>
internal sealed partial class SiloProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private SiloProcess(ChildProcess process) => _process = process;

    public string Output => _process.Output;

    /// <summary>
    /// Starts a silo and returns once it has joined the cluster: once the host has started, which is after Orleans'
    /// silo (and with it its join to the membership table) has started.
    /// </summary>
    public static async Task<SiloProcess> StartAsync(string name, IReadOnlyDictionary<string, string> environment, string workingDirectory, TimeSpan timeout)
    {
        var settings = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Silo__Name"] = name,
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__OrleansConsistency.Cluster.Membership"] = "Information",
            ["Logging__LogLevel__Orleans.Runtime.MembershipService"] = "Information",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",

            // Silos run side by side on one machine: each listens on Orleans ports of its own.
            ["Silo__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Silo__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in environment)
        {
            settings[key] = value;
        }

        var siloDll = Path.Combine(AppContext.BaseDirectory, "silo", "OrleansConsistency.Silo.dll");
        var (process, _) = await ChildProcess.StartAsync($"Silo {name}", siloDll, [], settings, workingDirectory, JoinedLine(), timeout);
        return new SiloProcess(process);
    }

    /// <summary>Kills the process with SIGKILL and waits until it is gone.</summary>
    public Task KillAsync() => _process.KillAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    [GeneratedRegex("Application started")]
    private static partial Regex JoinedLine();
}
