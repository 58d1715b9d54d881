using System.Data.Common;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace OrleansConsistency.Bench.HttpBenchmarks;

/// <summary>
/// The plain baseline on SQLite: per intent one <c>BEGIN IMMEDIATE</c> transaction, committed with WAL and
/// <c>synchronous=FULL</c> (the product's durability: one fsync per commit), over pooled connections.
/// </summary>
internal sealed class PlainSqliteStore(string connectionString) : PlainTransactionStore
{
    private const int BusyTimeoutMilliseconds = 30_000;

    private readonly string _connectionString = new SqliteConnectionStringBuilder(connectionString) { Pooling = true }.ToString();

    // SQLite lets one writer in at a time. Waiting for it here, asynchronously, is what a careful service does: left to
    // busy_timeout, 64 requests would sleep-and-retry on the file lock and hold 64 threads while they do.
    private readonly SemaphoreSlim _writer = new(1, 1);

    /// <inheritdoc />
    public override async Task CreateTablesAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS plain_resources (
                type TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, document TEXT NOT NULL, updated_at INTEGER NOT NULL,
                PRIMARY KEY (type, id));
            CREATE TABLE IF NOT EXISTS plain_intents (
                type TEXT NOT NULL, id TEXT NOT NULL, key TEXT NOT NULL, version INTEGER NOT NULL, status INTEGER NOT NULL,
                answer TEXT NOT NULL, created_at INTEGER NOT NULL,
                PRIMARY KEY (type, id, key));
            CREATE TABLE IF NOT EXISTS plain_events (
                type TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, payload TEXT NOT NULL, created_at INTEGER NOT NULL,
                PRIMARY KEY (type, id, version));
            """;
        await command.ExecuteNonQueryAsync();
    }

    protected override PlainSql Sql { get; } = new(
        SelectResource: "SELECT version, document FROM plain_resources WHERE type = @type AND id = @id",
        FindIntent: "SELECT status, answer FROM plain_intents WHERE type = @type AND id = @id AND key = @key",
        InsertResource: "INSERT INTO plain_resources (type, id, version, document, updated_at) VALUES (@type, @id, @next, @document, @now)",
        UpdateResource: "UPDATE plain_resources SET version = @next, document = @document, updated_at = @now WHERE type = @type AND id = @id AND version = @old",
        InsertIntent: "INSERT INTO plain_intents (type, id, key, version, status, answer, created_at) VALUES (@type, @id, @key, @next, @status, @answer, @now)",
        InsertEvent: "INSERT INTO plain_events (type, id, version, payload, created_at) VALUES (@type, @id, @next, @payload, @now)");

    /// <inheritdoc />
    public override async Task<PlainAnswer> SubmitAsync(string type, string id, string key, long? expectedVersion, JsonObject increment, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            return await base.SubmitAsync(type, id, key, expectedVersion, increment, cancellationToken);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <inheritdoc />
    public override async Task<string> DescribeAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT sqlite_version(), (SELECT journal_mode FROM pragma_journal_mode), (SELECT synchronous FROM pragma_synchronous)";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return $"SQLite {reader.GetString(0)}, journal_mode={reader.GetString(1)}, synchronous={reader.GetInt64(2)} (2 = FULL)";
    }

    /// <inheritdoc />
    public override ValueTask DisposeAsync()
    {
        _writer.Dispose();
        SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await OpenAsync();

    /// <summary><c>BEGIN IMMEDIATE</c>: take the write lock at once, as the resource is about to be written.</summary>
    protected override Task<DbTransaction> BeginAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    protected override void AddNow(DbCommand command) =>
        ((SqliteCommand)command).Parameters.AddWithValue("@now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();

        // Per connection, as the product does: synchronous is not stored in the file, and a pooled connection may be new.
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = FULL;";
        await pragma.ExecuteNonQueryAsync();
        return connection;
    }
}
