extern alias api;

using System.Diagnostics;
using OrleansConsistency.Bench.HttpBenchmarks;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Bench.SettlementBenchmarks;

/// <summary>
/// The real API (shipped configuration, co-hosted silo on a fresh SQLite file, free ports) in a child process, with
/// <see cref="TestApiKeys.Operator"/> as its first operator key: clients send it with <see cref="TestApiKeys.Authorize"/>.
/// </summary>
internal static class SqliteApiServer
{
    /// <summary>Starts the API with its database in <paramref name="directory"/> and waits until it listens.</summary>
    public static Task<ChildServer> StartAsync(string directory, TimeSpan startTimeout)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { typeof(api::Program).Assembly.Location, "--urls", "http://127.0.0.1:0", "--contentRoot", Path.Combine(AppContext.BaseDirectory, "api-config") },
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Silo__Storage__ConnectionString"] = $"Data Source={Path.Combine(directory, "sse.db")}";
        start.Environment[TestApiKeys.BootstrapEnvironment] = TestApiKeys.Operator;
        // The bench measures the server, not the per-tenant limits (a load is one key of one tenant).
        foreach (var (name, value) in TestLimits.Environment)
        {
            start.Environment[name] = value;
        }

        HttpSuite.UseFreeSiloPorts(start);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        return ChildServer.StartAsync(start, startTimeout);
    }
}
