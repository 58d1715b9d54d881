using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OrleansConsistency.Storage;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Storage.Tests.Storage;

/// <summary>
/// Fresh storage for tests: a new SQLite file or a new database on the process's throwaway PostgreSQL server,
/// migrated and ready. Runtime tests reuse it to get a connection string per test.
/// </summary>
public static class StorageFixture
{
    private const string RootPrefix = "oc-tests-";

    private static readonly Lazy<string> SqliteRoot = new(CreateSqliteRoot);

    /// <summary>Both provider names, for theories that run against each.</summary>
    public static TheoryData<string> Providers => [StorageOptions.SqliteProvider, StorageOptions.PostgresProvider];

    /// <summary>A connection string to a new SQLite file in this process's temp directory.</summary>
    public static string NewSqliteConnectionString(string name = "test") =>
        new SqliteConnectionStringBuilder { DataSource = Path.Combine(SqliteRoot.Value, $"{name}-{Guid.NewGuid():N}.db") }.ToString();

    /// <summary>A connection string to a new, empty database on the shared test PostgreSQL server.</summary>
    public static async Task<string> NewPostgresConnectionStringAsync(string prefix = "test")
    {
        var server = await PostgresServer.StartAsync();
        return await server.CreateDatabaseAsync(prefix);
    }

    /// <summary>
    /// A connection string to a new, empty PostgreSQL database whose default collation is linguistic (ICU "en-US":
    /// "a" &lt; "B" &lt; "b"), unlike the test server's default. Queries that must order by code point have to say so
    /// themselves; on this database a query that relies on the default collation gives a different order.
    /// </summary>
    public static async Task<string> NewLinguisticPostgresConnectionStringAsync()
    {
        var server = await PostgresServer.StartAsync();
        var database = "linguistic_" + Guid.NewGuid().ToString("N")[..16];
        var connection = new NpgsqlConnection(server.AdminConnectionString);
        await using (connection)
        {
            await connection.OpenAsync();
            using var command = connection.CreateCommand();
#pragma warning disable CA2100 // The name is a fixed word and a GUID.
            command.CommandText = $"CREATE DATABASE \"{database}\" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US'";
#pragma warning restore CA2100
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Database = database }.ConnectionString;
    }

    /// <summary>Options for a new, empty database of the given provider.</summary>
    public static async Task<StorageOptions> NewOptionsAsync(string provider, Action<StorageOptions>? configure = null)
    {
        var options = new StorageOptions
        {
            Provider = provider,
            ConnectionString = provider == StorageOptions.PostgresProvider
                ? await NewPostgresConnectionStringAsync()
                : NewSqliteConnectionString(),
        };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>A migrated provider on a new, empty database.</summary>
    public static async Task<StorageProvider> CreateStorageAsync(
        string provider, Action<StorageOptions>? configure = null, TimeProvider? timeProvider = null, StorageFaultInjector? faults = null) =>
        await CreateStorageAsync(await NewOptionsAsync(provider, configure), timeProvider, faults);

    /// <summary>A migrated provider on the database the options name (several providers may share one).</summary>
    public static async Task<StorageProvider> CreateStorageAsync(StorageOptions options, TimeProvider? timeProvider = null, StorageFaultInjector? faults = null)
    {
        var storage = GrainStorageFactory.Create(options, faults, timeProvider ?? TimeProvider.System, NullLoggerFactory.Instance);
        await storage.MigrateAsync();
        return storage;
    }

    /// <summary>A copy of the options with changes, e.g. a second provider on the same database with other settings.</summary>
    public static StorageOptions With(this StorageOptions options, Action<StorageOptions> change)
    {
        var copy = new StorageOptions
        {
            Provider = options.Provider,
            ConnectionString = options.ConnectionString,
            GroupCommit = options.GroupCommit,
            MaxBatchSize = options.MaxBatchSize,
            MaxBatchDelay = options.MaxBatchDelay,
            SqliteSynchronous = options.SqliteSynchronous,
            BreakerFailureThreshold = options.BreakerFailureThreshold,
            BreakerDuration = options.BreakerDuration,
        };
        change(copy);
        return copy;
    }

    private static string CreateSqliteRoot()
    {
        DeleteRootsOfEndedProcesses();
        var root = Path.Combine(Path.GetTempPath(), $"{RootPrefix}{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            SqliteConnection.ClearAllPools();
            TryDelete(root);
        };
        return root;
    }

    // A test host is often killed right after the run, before its exit handlers finish; the next run cleans up.
    private static void DeleteRootsOfEndedProcesses()
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), RootPrefix + "*"))
        {
            var pid = Path.GetFileName(directory)[RootPrefix.Length..].Split('-')[0];
            if (int.TryParse(pid, out var id) && !IsRunning(id))
            {
                TryDelete(directory);
            }
        }
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
