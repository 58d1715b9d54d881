using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Configuration;
using OrleansConsistency.Silo.Hosting;
using OrleansConsistency.Storage.Clustering;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Bench.ClusterBenchmarks;

/// <summary>
/// A cluster of real silo processes (the Silo project's Release binary, <see cref="SiloProcess"/>) with Orleans
/// membership in a fresh PostgreSQL database of its own, configured as <c>scripts/cluster.sh</c> does
/// (<c>Silo:Storage:Provider=postgresql</c>, <c>Silo:Cluster:Enabled=true</c>, loopback ports, the Silo's shipped
/// appsettings.json otherwise), and an Orleans client in this process that finds the silos' gateways in the same
/// membership table (the product's <c>AddProductClient</c> + <c>UsePostgresClustering</c>, as the API in
/// <c>Silo:Cluster:ClientOnly</c> mode).
/// </summary>
internal sealed class SiloCluster : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly List<SiloProcess> _silos;
    private readonly IHost _client;
    private readonly string _directory;

    private SiloCluster(string name, string connectionString, string directory, List<SiloProcess> silos, IHost client)
    {
        Name = name;
        ConnectionString = connectionString;
        _directory = directory;
        _silos = silos;
        _client = client;
    }

    /// <summary>The cluster's name in the report, e.g. <c>3 silos</c>.</summary>
    public string Name { get; }

    /// <summary>The cluster's database (storage and membership).</summary>
    public string ConnectionString { get; }

    /// <summary>The silo processes, in start order (killed ones included).</summary>
    public IReadOnlyList<SiloProcess> Silos => _silos;

    /// <summary>The Orleans client of the cluster, in this process.</summary>
    public IClusterClient Client => _client.Services.GetRequiredService<IClusterClient>();

    /// <summary>
    /// Starts <paramref name="silos"/> silo processes on a fresh database of <paramref name="server"/> (the first alone,
    /// since it migrates the schema; the others together), then the client; fails within a bound.
    /// </summary>
    public static async Task<SiloCluster> StartAsync(PostgresServer server, int silos, FailureDetection detection, string label)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(silos);
        var connectionString = await server.CreateDatabaseAsync($"cluster_{label}");
        var directory = Directory.CreateTempSubdirectory("orleansconsistency-bench-cluster-").FullName;
        var environment = new Dictionary<string, string>(detection.Environment)
        {
            ["Silo__Storage__Provider"] = "postgresql",
            ["Silo__Storage__ConnectionString"] = connectionString,
            ["Silo__Cluster__Enabled"] = "true",
            ["Logging__Console__TimestampFormat"] = "HH:mm:ss.fff ",
        };
        var started = new List<SiloProcess>();
        try
        {
            started.Add(await SiloProcess.StartAsync($"{label}-silo-1", environment, directory, StartTimeout));
            var rest = Enumerable.Range(2, silos - 1).Select(i => SiloProcess.StartAsync($"{label}-silo-{i}", environment, directory, StartTimeout)).ToList();
            try
            {
                started.AddRange(await Task.WhenAll(rest));
            }
            catch
            {
                started.AddRange(rest.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result));
                throw;
            }

            var client = await StartClientAsync(connectionString);
            return new SiloCluster(label, connectionString, directory, started, client);
        }
        catch
        {
            foreach (var silo in started)
            {
                await silo.DisposeAsync();
            }

            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>The CPU time (user + system) the cluster's silo processes that still run used so far.</summary>
    public TimeSpan SilosCpu() => _silos.Where(s => !s.HasExited).Aggregate(TimeSpan.Zero, (sum, silo) => sum + silo.TotalProcessorTime);

    /// <summary>The cluster's rows of Orleans' membership table, in start order.</summary>
    public async Task<IReadOnlyList<MembershipRow>> ReadMembershipAsync(CancellationToken cancellation = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellation);
        await using var command = new NpgsqlCommand(
            """
            SELECT silo_name, port, generation, status, coalesce(suspect_times, '')
            FROM orleans_membership ORDER BY start_time, port
            """,
            connection);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        var rows = new List<MembershipRow>();
        while (await reader.ReadAsync(cancellation))
        {
            var votes = reader.GetString(4);
            rows.Add(new MembershipRow(
                reader.IsDBNull(0) ? "?" : reader.GetString(0),
                reader.GetInt32(1),
                reader.GetInt32(2),
                reader.GetInt32(3),
                votes.Length == 0 ? 0 : votes.Split('|').Length));
        }

        return rows;
    }

    /// <summary>The membership table in one line, e.g. <c>silo-1 Active, silo-2 Dead (2 votes)</c>.</summary>
    public static string Describe(IEnumerable<MembershipRow> rows) => string.Join(
        ", ",
        rows.Select(r => $"{r.SiloName} {r.StatusName}" + (r.SuspectVotes > 0 ? $" ({r.SuspectVotes.ToString(CultureInfo.InvariantCulture)} votes)" : string.Empty)));

    /// <summary>Stops the client and kills the silos (SIGKILL: a benchmark's silos have nothing to flush).</summary>
    public async ValueTask DisposeAsync()
    {
        using (var stopping = new CancellationTokenSource(StopTimeout))
        {
            try
            {
                await _client.StopAsync(stopping.Token);
            }
            catch (OperationCanceledException)
            {
                // The silos go next anyway.
            }
        }

        _client.Dispose();
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is not worth failing a report for.
        }
    }

    private static async Task<IHost> StartClientAsync(string connectionString)
    {
        // No default configuration or log providers: the bench's standard output is its report, and the client's
        // warnings while a killed silo's gateway is gone are expected.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<IHostLifetime, SuiteLifetime>();
        var defaults = new SiloHostOptions();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (defaults.ClusterId, defaults.ServiceId));
            client.UsePostgresClustering(connectionString);
            client.AddProductClient();
        });
        var host = builder.Build();
        using var starting = new CancellationTokenSource(StartTimeout);
        try
        {
            await host.StartAsync(starting.Token);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
