using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace OrleansConsistency.Bench.HttpBenchmarks;

/// <summary>
/// The plain baseline on SQLite: per intent one <c>BEGIN IMMEDIATE</c> transaction, committed with WAL and
/// <c>synchronous=FULL</c> (the product's durability: one fsync per commit), over pooled connections.
/// </summary>
internal sealed class PlainSqliteStore(string connectionString) : IPlainStore
{
    private const int BusyTimeoutMilliseconds = 30_000;

    private readonly string _connectionString = new SqliteConnectionStringBuilder(connectionString) { Pooling = true }.ToString();

    // SQLite lets one writer in at a time. Waiting for it here, asynchronously, is what a careful service does: left to
    // busy_timeout, 64 requests would sleep-and-retry on the file lock and hold 64 threads while they do.
    private readonly SemaphoreSlim _writer = new(1, 1);

    /// <inheritdoc />
    public async Task CreateTablesAsync()
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

    /// <inheritdoc />
    public async Task<PlainAnswer> SubmitAsync(string type, string id, string key, long? expectedVersion, JsonObject increment, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync();
            using var transaction = connection.BeginTransaction(deferred: false);

            long version = 0;
            string? document = null;
            await using (var read = Command(connection, transaction, "SELECT version, document FROM plain_resources WHERE type = @type AND id = @id", type, id))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                if (await reader.ReadAsync(cancellationToken))
                {
                    version = reader.GetInt64(0);
                    document = reader.GetString(1);
                }
            }

            await using (var replay = Command(connection, transaction, "SELECT status, answer FROM plain_intents WHERE type = @type AND id = @id AND key = @key", type, id, key))
            await using (var reader = await replay.ExecuteReaderAsync(cancellationToken))
            {
                if (await reader.ReadAsync(cancellationToken))
                {
                    return new PlainAnswer(reader.GetInt32(0), reader.GetString(1));
                }
            }

            if (expectedVersion is { } expected && expected != version)
            {
                return PlainDocument.VersionMismatch(version);
            }

            var next = version + 1;
            var updated = PlainDocument.Increment(document, increment);
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var status = document is null ? 201 : 200;
            var answer = PlainDocument.Applied(next, updated);

            await using (var write = document is null
                ? Command(connection, transaction, "INSERT INTO plain_resources (type, id, version, document, updated_at) VALUES (@type, @id, @next, @document, @now)", type, id)
                : Command(connection, transaction, "UPDATE plain_resources SET version = @next, document = @document, updated_at = @now WHERE type = @type AND id = @id AND version = @old", type, id))
            {
                write.Parameters.AddWithValue("@next", next);
                write.Parameters.AddWithValue("@document", updated);
                write.Parameters.AddWithValue("@now", now);
                if (document is not null)
                {
                    write.Parameters.AddWithValue("@old", version);
                }

                if (await write.ExecuteNonQueryAsync(cancellationToken) != 1)
                {
                    // Cannot happen while the write lock is held; checked anyway, as the hand-written version would.
                    throw new InvalidOperationException($"{type}/{id} changed under a write transaction.");
                }
            }

            await using (var intent = Command(connection, transaction, "INSERT INTO plain_intents (type, id, key, version, status, answer, created_at) VALUES (@type, @id, @key, @next, @status, @answer, @now)", type, id, key))
            {
                intent.Parameters.AddWithValue("@next", next);
                intent.Parameters.AddWithValue("@status", status);
                intent.Parameters.AddWithValue("@answer", answer);
                intent.Parameters.AddWithValue("@now", now);
                await intent.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var @event = Command(connection, transaction, "INSERT INTO plain_events (type, id, version, payload, created_at) VALUES (@type, @id, @next, @payload, @now)", type, id))
            {
                @event.Parameters.AddWithValue("@next", next);
                @event.Parameters.AddWithValue("@payload", PlainDocument.Event(increment, updated));
                @event.Parameters.AddWithValue("@now", now);
                await @event.ExecuteNonQueryAsync(cancellationToken);
            }

            transaction.Commit();
            return new PlainAnswer(status, answer);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <inheritdoc />
    public async Task<string> DescribeAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT sqlite_version(), (SELECT journal_mode FROM pragma_journal_mode), (SELECT synchronous FROM pragma_synchronous)";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return $"SQLite {reader.GetString(0)}, journal_mode={reader.GetString(1)}, synchronous={reader.GetInt64(2)} (2 = FULL)";
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _writer.Dispose();
        SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }

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

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, string type, string id, string? key = null)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("@type", type);
        command.Parameters.AddWithValue("@id", id);
        if (key is not null)
        {
            command.Parameters.AddWithValue("@key", key);
        }

        return command;
    }
}
