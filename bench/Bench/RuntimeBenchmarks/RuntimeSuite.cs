using System.CommandLine;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using OrleansConsistency.Bench.Harness;
using OrleansConsistency.Storage;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Bench.RuntimeBenchmarks;

/// <summary>
/// The foundation benchmarks: in-memory grain calls, and durable writes with and without group commit on SQLite and
/// PostgreSQL. Options: <c>--warmup</c> and <c>--duration</c> (seconds per case), <c>--db sqlite|postgresql|all</c>
/// and <c>--only all|calls|writes</c> (one of the two benchmarks).
/// </summary>
public static class RuntimeSuite
{
    private static readonly Option<TimeSpan?> WarmUp = BenchOptions.Seconds("warmup", "Seconds of load before each case is measured (default 1).");

    private static readonly Option<TimeSpan?> Duration = BenchOptions.Seconds("duration", "Seconds measured per case (default 3).");

    private static readonly Option<string> Db = BenchOptions.Text("db", "all", "Databases for the durable writes: sqlite, postgresql or all.");

    private static readonly Option<string> Only = BenchOptions.Text("only", "all", "One of the two benchmarks: calls, writes, or all.");

    /// <summary>The options the suite reads, for its command.</summary>
    public static IReadOnlyList<Option> Options { get; } = [WarmUp, Duration, Db, Only];

    /// <summary>Runs the suite and writes its report.</summary>
    public static async Task RunAsync(ParseResult arguments, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        var warmUp = arguments.GetValue(WarmUp) ?? TimeSpan.FromSeconds(1);
        var duration = arguments.GetValue(Duration) ?? TimeSpan.FromSeconds(3);
        var which = arguments.GetValue(Db)!.ToLowerInvariant();
        var only = arguments.GetValue(Only)!.ToLowerInvariant();
        if (only is not ("all" or "calls" or "writes"))
        {
            throw new ArgumentException($"--only: unknown '{only}'; use all, calls or writes.", nameof(arguments));
        }

        var directory = Path.Combine(Path.GetTempPath(), $"oc-bench-{Guid.NewGuid().ToString("N")[..12]}");
        Directory.CreateDirectory(directory);
        try
        {
            await output.WriteLineAsync($"Each case: {warmUp.TotalSeconds:0.#} s warm-up, then {duration.TotalSeconds:0.#} s measured; closed loop (each caller waits for its answer before the next call).");
            await output.WriteLineAsync();

            if (only != "writes")
            {
                await WriteGrainCallsAsync(output, warmUp, duration, directory);
            }

            if (only == "calls")
            {
                return;
            }

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

    private static async Task WriteGrainCallsAsync(TextWriter output, TimeSpan warmUp, TimeSpan duration, string directory)
    {
        await output.WriteLineAsync("### In-memory grain calls, one Orleans silo (stateless `IEchoGrain.Echo(int)`, through the silo's co-hosted client)");
        await output.WriteLineAsync();
        await output.WriteLineAsync("- plain: each caller issues its next call as soon as its answer came (its continuation runs inline on the thread that completed the answer).");
        await output.WriteLineAsync("- `await Task.Yield()` first: each caller yields to the thread pool before each call, as independent requests do; its latency includes that wait in the pool's queue.");
        await output.WriteLineAsync("- Least-served caller: the calls the slowest caller completed in the window as a share of the mean (100 = fair, near 0 = some callers starved). Errors: calls that failed (e.g. timed out) in the window; they count as completed calls in Calls/s. Each case's grains are activated (one call each) before its warm-up.");
        await output.WriteLineAsync();
        var calls = await GrainCallBenchmark.RunAsync(warmUp, duration, directory);
        await output.WriteAsync(calls.Measured.ToString());
        foreach (var note in calls.Notes)
        {
            await output.WriteLineAsync($"- {note}");
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync("Against the home-made runtime's last figures (README, \"Runtime: grain calls and group commit\": 2026-11-22, this machine, nothing else running; not measured in this run):");
        await output.WriteLineAsync();
        await output.WriteAsync(calls.Comparison.ToString());
        await output.WriteLineAsync();
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
