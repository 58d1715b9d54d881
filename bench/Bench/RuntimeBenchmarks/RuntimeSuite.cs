using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using OrleansConsistency.Bench.Harness;
using OrleansConsistency.Storage;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Bench.RuntimeBenchmarks;

/// <summary>
/// The foundation benchmarks: in-memory grain calls, and durable writes with and without group commit on SQLite and
/// PostgreSQL. Options: <c>--warmup</c> and <c>--duration</c> (seconds per case), <c>--db sqlite|postgresql|all</c>.
/// </summary>
public static class RuntimeSuite
{
    /// <summary>Runs the suite and writes its report.</summary>
    public static async Task RunAsync(BenchArguments arguments, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        var warmUp = arguments.GetSeconds("warmup", TimeSpan.FromSeconds(1));
        var duration = arguments.GetSeconds("duration", TimeSpan.FromSeconds(3));
        var which = arguments.Get("db", "all").ToLowerInvariant();

        var directory = Path.Combine(Path.GetTempPath(), $"oc-bench-{Guid.NewGuid().ToString("N")[..12]}");
        Directory.CreateDirectory(directory);
        try
        {
            await output.WriteLineAsync($"Each case: {warmUp.TotalSeconds:0.#} s warm-up, then {duration.TotalSeconds:0.#} s measured; closed loop (each caller waits for its answer before the next call).");
            await output.WriteLineAsync();

            await output.WriteLineAsync("### In-memory grain calls, one silo (stateless `IEchoGrain.Echo(int)`)");
            await output.WriteLineAsync();
            await output.WriteAsync((await GrainCallBenchmark.RunAsync(warmUp, duration, directory)).ToString());
            await output.WriteLineAsync();

            var databases = new List<BenchDatabase>();
            if (which is "all" or "sqlite")
            {
                databases.Add(Sqlite(directory));
            }

            if (which is "all" or "postgresql" or "postgres")
            {
                try
                {
                    databases.Add(await PostgresAsync());
                }
                catch (InvalidOperationException exception)
                {
                    await output.WriteLineAsync($"PostgreSQL skipped: {exception.Message}");
                    await output.WriteLineAsync();
                }
            }

            await output.WriteLineAsync($"### {PersistedWriteBenchmark.Title}");
            await output.WriteLineAsync();
            foreach (var database in databases)
            {
                await output.WriteLineAsync($"- {database.Name}: {database.Setup}");
            }

            await output.WriteLineAsync("- Group: `StorageOptions.GroupCommit = true` (batch = what queued while the previous commit ran, at most 256). Per-write: `GroupCommit = false`, one transaction per write.");
            await output.WriteLineAsync("- writes/tx: committed writes per transaction in the measured window (from `StorageProvider.Statistics`); Speed-up: group writes/s ÷ per-write writes/s.");
            await output.WriteLineAsync();
            await output.WriteAsync((await PersistedWriteBenchmark.RunAsync(databases, warmUp, duration)).ToString());
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    internal static BenchDatabase Sqlite(string directory)
    {
        string version;
        using (var connection = new SqliteConnection("Data Source=:memory:"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT sqlite_version()";
            version = (string)command.ExecuteScalar()!;
        }

        var fsync = FsyncProbe.Measure(directory);
        return new BenchDatabase(
            "SQLite",
            StorageOptions.SqliteProvider,
            $"SQLite {version}, a new file in {Path.GetTempPath()} per mode, WAL, `synchronous=FULL`; one fsync of 4 KiB there takes {Millis(fsync)} ms.",
            () => Task.FromResult($"Data Source={Path.Combine(directory, $"writes-{Guid.NewGuid():N}.db")}"));
    }

    internal static async Task<BenchDatabase> PostgresAsync()
    {
        var server = await PostgresServer.StartAsync();
        var settings = new List<string>();
        var connection = new NpgsqlConnection(server.AdminConnectionString);
        await using (connection)
        {
            await connection.OpenAsync();
            foreach (var setting in new[] { "server_version", "synchronous_commit", "fsync", "wal_sync_method", "commit_delay", "max_connections" })
            {
                await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // The setting names are the constants above.
                command.CommandText = $"SHOW {setting}";
#pragma warning restore CA2100
                settings.Add($"`{setting}={await command.ExecuteScalarAsync()}`");
            }
        }

        var where = server.IsLocal ? "a throwaway local server (PostgresServer) on this machine" : $"the server in {PostgresServer.EnvironmentVariable}";
        return new BenchDatabase(
            "PostgreSQL",
            StorageOptions.PostgresProvider,
            $"{where}, a new database per mode, {string.Join(", ", settings)}; the storage opens at most 20 connections (its default; Npgsql's own is 100).",
            () => server.CreateDatabaseAsync("bench"));
    }

    private static string Millis(TimeSpan value) => value.TotalMilliseconds.ToString("N2", CultureInfo.InvariantCulture);
}
