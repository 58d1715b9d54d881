using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansConsistency.TestSupport;

/// <summary>
/// A real silo (the Silo project's binary, run as <c>dotnet OrleansConsistency.Silo.dll</c>) in a child process, for
/// SIGKILL tests and multi-process benchmarks. The Silo's whole output folder is expected in <c>silo/</c> beside the
/// caller's binary: import <c>tests/TestSupport/SiloProcess.targets</c> into the caller's project to copy it there.
/// </summary>
public sealed partial class SiloProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private SiloProcess(ChildProcess process, string name, int siloPort, int gatewayPort)
    {
        _process = process;
        Name = name;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    /// <summary>The silo's name (<c>Silo:Name</c>), as in the membership table.</summary>
    public string Name { get; }

    /// <summary>The port the silo talks to other silos on; with the loopback address it is the silo's Orleans endpoint.</summary>
    public int SiloPort { get; }

    /// <summary>The port Orleans clients connect to.</summary>
    public int GatewayPort { get; }

    /// <summary>The silo's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>True once the process has exited (or was killed).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The CPU time (user + system) the silo process used so far.</summary>
    public TimeSpan TotalProcessorTime => _process.TotalProcessorTime;

    /// <summary>Everything it printed so far (standard output and error).</summary>
    public string Output => _process.Output;

    /// <summary>Where the silo's binary is expected: <c>silo/OrleansConsistency.Silo.dll</c> beside the caller.</summary>
    public static string SiloDll => Path.Combine(AppContext.BaseDirectory, "silo", "OrleansConsistency.Silo.dll");

    /// <summary>
    /// Starts a silo and returns once it has joined the cluster: once the host has started, which is after Orleans'
    /// silo (and with it its join to the membership table) has started. Each silo gets free loopback ports of its own
    /// unless <paramref name="environment"/> names them (<c>Silo__SiloPort</c>, <c>Silo__GatewayPort</c>).
    /// </summary>
    /// <param name="name">The silo's name.</param>
    /// <param name="environment">Environment variables (configuration keys as <c>a__b</c>); they win over the defaults here.</param>
    /// <param name="workingDirectory">The process's working directory.</param>
    /// <param name="timeout">How long it may take to start.</param>
    public static async Task<SiloProcess> StartAsync(string name, IReadOnlyDictionary<string, string> environment, string workingDirectory, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!File.Exists(SiloDll))
        {
            throw new InvalidOperationException($"The silo's binary is not at {SiloDll}: the project must import tests/TestSupport/SiloProcess.targets.");
        }

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

        var (process, _) = await ChildProcess.StartAsync($"Silo {name}", SiloDll, [], settings, workingDirectory, JoinedLine(), timeout);
        return new SiloProcess(
            process,
            name,
            int.Parse(settings["Silo__SiloPort"], CultureInfo.InvariantCulture),
            int.Parse(settings["Silo__GatewayPort"], CultureInfo.InvariantCulture));
    }

    /// <summary>Kills the process with SIGKILL and waits until it is gone.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _process.DisposeAsync();

    [GeneratedRegex("Application started")]
    private static partial Regex JoinedLine();
}
