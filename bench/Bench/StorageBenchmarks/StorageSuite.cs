using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;
using OrleansConsistency.Bench.Grains;
using OrleansConsistency.Bench.Harness;
using OrleansConsistency.Bench.RuntimeBenchmarks;
using OrleansConsistency.Storage;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Bench.StorageBenchmarks;

/// <summary>
/// The project's grain storage against the peer users would pick: Orleans' own ADO.NET grain storage
/// (<c>Microsoft.Orleans.Persistence.AdoNet</c>) on the same PostgreSQL server, and the project's SQLite provider,
/// all through the same persisted writer grain (<see cref="WriterGrainBase"/>: one
/// <c>IPersistentState.WriteStateAsync()</c> per call). N closed-loop writers, each with its own grain; the providers
/// take turns in alternating rounds within one run, so their ratio is measured under the same machine load. Options:
/// <c>--writers 1,16,256</c>, <c>--rounds 3</c>, <c>--warmup 1</c> and <c>--duration 3</c> (seconds per window),
/// <c>--sqlite true|false</c>.
/// </summary>
public static class StorageSuite
{
    private static readonly Option<TimeSpan?> WarmUp = BenchOptions.Seconds("warmup", "Seconds of load before each case is measured (default 1).");

    private static readonly Option<TimeSpan?> Duration = BenchOptions.Seconds("duration", "Seconds measured per case (default 3).");

    private static readonly Option<string> Rounds = BenchOptions.Text("rounds", "3", "Rounds of every case, interleaved; the report gives the median.");

    private static readonly Option<string> Writers = BenchOptions.Text("writers", "1,16,256", "Concurrent writers per case, comma-separated.");

    private static readonly Option<string> Sqlite = BenchOptions.Text("sqlite", "true", "Also measure SQLite (true or false).");

    /// <summary>The options the suite reads, for its command.</summary>
    public static IReadOnlyList<Option> Options { get; } = [WarmUp, Duration, Rounds, Writers, Sqlite];

    /// <summary>Runs the suite and writes its report.</summary>
    public static async Task RunAsync(ParseResult arguments, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        var warmUp = arguments.GetValue(WarmUp) ?? TimeSpan.FromSeconds(1);
        var duration = arguments.GetValue(Duration) ?? TimeSpan.FromSeconds(3);
        var rounds = int.Parse(arguments.GetValue(Rounds)!, CultureInfo.InvariantCulture);
        var writerCounts = arguments.GetValue(Writers)!.Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture)).ToArray();
        var withSqlite = bool.Parse(arguments.GetValue(Sqlite)!);
        if (rounds < 1)
        {
            throw new ArgumentException("--rounds: at least 1.", nameof(arguments));
        }

        var directory = Directory.CreateTempSubdirectory("oc-bench-storage-").FullName;
        try
        {
            var postgres = await RuntimeSuite.PostgresAsync();
            var connectionString = await postgres.NewConnectionStringAsync();
            await AdoNetPostgresSchema.CreateAsync(connectionString);
            var databaseCpu = await PostgresCpu.FindAsync(connectionString);

            // Silo 1: the project's PostgreSQL provider as the default storage, and Orleans' ADO.NET provider on the
            // same database under its own name. Silo 2: the project's SQLite provider.
            await using var postgresSilo = await BenchSilo.StartAsync(
                storage =>
                {
                    storage.Provider = StorageOptions.PostgresProvider;
                    storage.ConnectionString = connectionString;
                },
                silo => silo.AddAdoNetGrainStorage(AdoNetWriterGrain.StorageName, options =>
                {
                    options.Invariant = "Npgsql";
                    options.ConnectionString = connectionString;
                }));
            var adoNetSerializer = postgresSilo.Services.GetRequiredService<IOptionsMonitor<AdoNetGrainStorageOptions>>()
                .Get(AdoNetWriterGrain.StorageName).GrainStorageSerializer?.GetType().Name ?? "?";
            var contract = await CheckAdoNetContractAsync(postgresSilo.GrainFactory, connectionString);

            BenchSilo? sqliteSilo = null;
            BenchDatabase? sqlite = null;
            if (withSqlite)
            {
                sqlite = RuntimeSuite.Sqlite(directory);
                var sqliteConnection = await sqlite.NewConnectionStringAsync();
                sqliteSilo = await BenchSilo.StartAsync(storage =>
                {
                    storage.Provider = StorageOptions.SqliteProvider;
                    storage.ConnectionString = sqliteConnection;
                    storage.SqliteSynchronous = "FULL";
                });
            }

            try
            {
                var providers = new List<Provider>
                {
                    new("project, PostgreSQL (group commit)", key => postgresSilo.GrainFactory.OnProjectStorage(key), postgresSilo.Storage.Statistics, databaseCpu),
                    new("Orleans ADO.NET, PostgreSQL", key => postgresSilo.GrainFactory.OnAdoNetStorage(key), null, databaseCpu),
                };
                if (sqliteSilo is not null)
                {
                    providers.Add(new("project, SQLite (group commit)", key => sqliteSilo.GrainFactory.OnProjectStorage(key), sqliteSilo.Storage.Statistics, null));
                }

                var table = new MarkdownTable(
                    "Writers:", "Storage", "Writes/s (median of rounds):", "Rounds (writes/s)", "p50 (ms):", "p99 (ms):", "Max (ms):",
                    "Bench process CPU µs/write:", "PostgreSQL server CPU µs/write:", "Writes/tx:", "Least-served writer (%):", "vs ADO.NET (per-round ratios):");
                foreach (var writers in writerCounts)
                {
                    var windows = providers.ToDictionary(p => p, _ => new List<Window>());
                    for (var round = 0; round < rounds; round++)
                    {
                        for (var turn = 0; turn < providers.Count; turn++)
                        {
                            // Each round starts one provider later, so that none always follows the same other one.
                            var provider = providers[(round + turn) % providers.Count];
                            var window = await MeasureAsync(provider, writers, warmUp, duration);
                            windows[provider].Add(window);
                            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                                $"  {writers} writers, round {round + 1}, {provider.Name}: {window.Load.PerSecond:N0}/s, p99 {window.Load.Latency.Percentile(99).TotalMilliseconds:N1} ms, {window.ProcessCpu.TotalMicroseconds / Math.Max(1, window.Load.Operations):N0} µs CPU/write"));
                        }
                    }

                    var adoNet = windows[providers[1]];
                    foreach (var provider in providers)
                    {
                        table.AddRow(Row(writers, provider, windows[provider], ReferenceEquals(provider, providers[1]) ? null : adoNet));
                    }
                }

                await output.WriteLineAsync("### Grain storage: the project's providers against Orleans' ADO.NET grain storage (same grain, same PostgreSQL)");
                await output.WriteLineAsync();
                await output.WriteLineAsync(
                    $"Each writer calls its own writer grain back to back (`IWriterGrain.Write()`: increment a counter, `IPersistentState<WriterState>.WriteStateAsync()`, answer once durable); " +
                    $"{rounds} rounds per writer count, each round one window per storage ({warmUp.TotalSeconds:0.#} s warm-up, then {duration.TotalSeconds:0.#} s measured), the storages taking turns (each round starts one later). " +
                    "The same grains are written in every round, so each storage's rows exist after its first round.");
                await output.WriteLineAsync();
                await output.WriteLineAsync($"- PostgreSQL: {postgres.Setup.Replace(", a new database per mode", string.Empty, StringComparison.Ordinal)} Both PostgreSQL storages share one new database of it; the silo hosting them runs the project's provider as its default storage and Orleans' under the name `{AdoNetWriterGrain.StorageName}`.");
                await output.WriteLineAsync(
                    $"- Orleans ADO.NET: `Microsoft.Orleans.Persistence.AdoNet` 10.4.2, `AddAdoNetGrainStorage(\"{AdoNetWriterGrain.StorageName}\", o => {{ o.Invariant = \"Npgsql\"; o.ConnectionString = ... }})`, defaults otherwise " +
                    $"(serializer `{adoNetSerializer}`, Npgsql's pool of at most 100 connections). The package ships no SQL and Orleans' scripts are not copied: the bench creates table `orleansstorage` " +
                    "and the `orleansquery` rows `ReadFromStorageKey`, `WriteToStorageKey`, `ClearStorageKey` itself (`bench/Bench/StorageBenchmarks/AdoNetPostgresSchema.cs`): one statement per operation, " +
                    "a compare-and-swap on an integer version, primary key on the provider's hashes and the natural key. The provider runs each statement on its own pooled connection in autocommit: one transaction, so one WAL flush wait, per write.");
                await output.WriteLineAsync($"- Contract check before measuring: {contract}");
                await output.WriteLineAsync("- Project: `GroupCommitGrainStorage` over the project's store (PostgreSQL: at most 20 connections, one set-based statement per batch; SQLite: WAL, `synchronous=FULL`); writes that queue while a transaction runs are committed together (at most 256).");
                if (sqlite is not null)
                {
                    await output.WriteLineAsync($"- SQLite: {sqlite.Setup} Its own silo in this process (idle while the others run).");
                }

                await output.WriteLineAsync(
                    "- Writes/s: the median window. p50/p99/max: over every write of all rounds' windows (including writes still running when a window closed). " +
                    "Bench process CPU: this process's CPU time (user + system) in the windows over the writes: the silos, both storages' client side and the load; " +
                    (databaseCpu is null
                        ? "PostgreSQL server CPU: not measured (the server is not on this machine). "
                        : $"PostgreSQL server CPU: the server's postmaster (PID {databaseCpu.Postmaster}) and all its backends over the same windows (from /proc). ") +
                    "Writes/tx: the project's committed writes per transaction in the windows (ADO.NET: 1 by construction). vs ADO.NET: writes/s median over the ADO.NET median, then each round's ratio.");
                await output.WriteLineAsync();
                await output.WriteAsync(table.ToString());
            }
            finally
            {
                if (sqliteSilo is not null)
                {
                    await sqliteSilo.DisposeAsync();
                }
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A file a pool still holds open is left for the OS's temp cleaner.
            }
        }
    }

    /// <summary>
    /// Checks the hand-written queries through the real provider before any measurement: first write, later writes,
    /// the stored version, a read after deactivation, and a stale ETag being refused.
    /// </summary>
    private static async Task<string> CheckAdoNetContractAsync(IGrainFactory grains, string connectionString)
    {
        const string key = "contract-check";
        var grain = grains.OnAdoNetStorage(key);
        for (var i = 1; i <= 3; i++)
        {
            var writes = await grain.Write();
            if (writes != i)
            {
                throw new InvalidOperationException($"ADO.NET contract check: write {i} returned {writes}.");
            }
        }

        if (await AdoNetPostgresSchema.ReadRowAsync(connectionString, key) is not (3, true))
        {
            throw new InvalidOperationException("ADO.NET contract check: after 3 writes the row is not at version 3 with a payload.");
        }

        // Behind the grain's back: its ETag is now stale, so its next write must be refused and change nothing.
        await AdoNetPostgresSchema.BumpVersionAsync(connectionString, key);
        try
        {
            await grain.Write();
            throw new InvalidOperationException("ADO.NET contract check: a write with a stale ETag was accepted.");
        }
        catch (InconsistentStateException)
        {
        }

        if (await AdoNetPostgresSchema.ReadRowAsync(connectionString, key) is not (4, true))
        {
            throw new InvalidOperationException("ADO.NET contract check: the refused write changed the row.");
        }

        // Orleans deactivates a grain whose write was refused; the new activation reads the stored state (3 writes).
        var afterConflict = await grain.Write();
        return afterConflict == 4
            ? "3 writes → row version 3; a stale ETag → `InconsistentStateException`, row unchanged; the next activation read the state back (write 4 → 4). Passed."
            : throw new InvalidOperationException($"ADO.NET contract check: after reactivation the grain wrote {afterConflict}, not 4.");
    }

    private static async Task<Window> MeasureAsync(Provider provider, int writers, TimeSpan warmUp, TimeSpan duration)
    {
        var grains = Enumerable.Range(0, writers).Select(i => provider.Grain($"w{writers}-{i}")).ToArray();
        var process = Process.GetCurrentProcess();
        var (cpuAtStart, databaseAtStart, transactionsAtStart, writesAtStart) = (TimeSpan.Zero, TimeSpan.Zero, 0L, 0L);
        var load = await ClosedLoop.RunAsync(
            writers,
            writer => grains[writer].Write(),
            warmUp,
            duration,
            () =>
            {
                process.Refresh();
                cpuAtStart = process.TotalProcessorTime;
                databaseAtStart = provider.DatabaseCpu?.Read() ?? TimeSpan.Zero;
                transactionsAtStart = provider.Statistics?.Transactions ?? 0;
                writesAtStart = provider.Statistics?.Writes ?? 0;
            });

        // Read right away: the workers stopped with the window, so little that is not the window's is counted.
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuAtStart;
        TimeSpan? database = provider.DatabaseCpu is { } meter ? meter.Read() - databaseAtStart : null;
        double? perTransaction = provider.Statistics is { } statistics && statistics.Transactions > transactionsAtStart
            ? (double)(statistics.Writes - writesAtStart) / (statistics.Transactions - transactionsAtStart)
            : null;
        return new Window(load, cpu, database, perTransaction);
    }

    private static string[] Row(int writers, Provider provider, List<Window> windows, List<Window>? adoNet)
    {
        var latency = new LatencyRecorder();
        foreach (var window in windows)
        {
            latency.Merge(window.Load.Latency);
        }

        var writes = windows.Sum(w => w.Load.Operations);
        var median = Median(windows.Select(w => w.Load.PerSecond));
        var perTransaction = windows.Where(w => w.WritesPerTransaction is not null).Select(w => w.WritesPerTransaction!.Value).ToList();
        var vsAdoNet = adoNet is null
            ? "-"
            : $"{Format(median / Median(adoNet.Select(w => w.Load.PerSecond)), "N1")}× ({string.Join(", ", windows.Zip(adoNet, (p, a) => Format(p.Load.PerSecond / a.Load.PerSecond, "N1") + "×"))})";
        return
        [
            Format(writers, "N0"),
            provider.Name,
            Format(median, "N0"),
            string.Join(", ", windows.Select(w => Format(w.Load.PerSecond, "N0"))),
            Millis(latency.Percentile(50)),
            Millis(latency.Percentile(99)),
            Millis(latency.Max),
            writes == 0 ? "-" : Format(windows.Sum(w => w.ProcessCpu.TotalMicroseconds) / writes, "N0"),
            writes == 0 || windows.Any(w => w.DatabaseCpu is null) ? "-" : Format(windows.Sum(w => w.DatabaseCpu!.Value.TotalMicroseconds) / writes, "N0"),
            provider.Statistics is null ? "1" : perTransaction.Count == 0 ? "-" : Format(perTransaction.Average(), "N1"),
            Format(windows.Min(w => w.Load.Fairness), "N0"),
            vsAdoNet,
        ];
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Millis(TimeSpan value) => value.TotalMilliseconds.ToString("N2", CultureInfo.InvariantCulture);

    /// <summary>One storage under test.</summary>
    private sealed record Provider(string Name, Func<string, IWriterGrain> Grain, GroupCommitStatistics? Statistics, PostgresCpu? DatabaseCpu);

    /// <summary>One measured window of one storage.</summary>
    private sealed record Window(LoadResult Load, TimeSpan ProcessCpu, TimeSpan? DatabaseCpu, double? WritesPerTransaction);
}
