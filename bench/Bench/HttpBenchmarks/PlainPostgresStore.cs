using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace OrleansConsistency.Bench.HttpBenchmarks;

/// <summary>
/// The plain baseline on PostgreSQL: per intent one transaction that locks the resource's row
/// (<c>SELECT ... FOR UPDATE</c>), committed with the server's <c>synchronous_commit</c> (on by default: one WAL flush
/// per commit), over Npgsql's connection pool.
/// </summary>
internal sealed class PlainPostgresStore(string connectionString) : IPlainStore
{
    private const string UniqueViolation = "23505";
    private const int Attempts = 5;

    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    /// <inheritdoc />
    public async Task CreateTablesAsync()
    {
        await using var command = _dataSource.CreateCommand("""
            CREATE TABLE IF NOT EXISTS plain_resources (
                type text NOT NULL, id text NOT NULL, version bigint NOT NULL, document jsonb NOT NULL, updated_at timestamptz NOT NULL,
                PRIMARY KEY (type, id));
            CREATE TABLE IF NOT EXISTS plain_intents (
                type text NOT NULL, id text NOT NULL, key text NOT NULL, version bigint NOT NULL, status int NOT NULL,
                answer text NOT NULL, created_at timestamptz NOT NULL,
                PRIMARY KEY (type, id, key));
            CREATE TABLE IF NOT EXISTS plain_events (
                type text NOT NULL, id text NOT NULL, version bigint NOT NULL, payload jsonb NOT NULL, created_at timestamptz NOT NULL,
                PRIMARY KEY (type, id, version));
            """);
        await command.ExecuteNonQueryAsync();
    }

    /// <inheritdoc />
    public async Task<PlainAnswer> SubmitAsync(string type, string id, string key, long? expectedVersion, JsonObject increment, CancellationToken cancellationToken)
    {
        // FOR UPDATE locks nothing while the resource does not exist, so two first writes can race to insert it (or
        // the same key twice): the loser's insert fails on the primary key, and it starts over and sees the winner's.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TrySubmitAsync(type, id, key, expectedVersion, increment, cancellationToken);
            }
            catch (PostgresException exception) when (exception.SqlState == UniqueViolation && attempt < Attempts)
            {
            }
        }
    }

    /// <inheritdoc />
    public async Task<string> DescribeAsync()
    {
        await using var command = _dataSource.CreateCommand("SELECT current_setting('server_version'), current_setting('synchronous_commit'), current_setting('fsync')");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return $"PostgreSQL {reader.GetString(0)}, synchronous_commit={reader.GetString(1)}, fsync={reader.GetString(2)}";
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private async Task<PlainAnswer> TrySubmitAsync(string type, string id, string key, long? expectedVersion, JsonObject increment, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        long version = 0;
        string? document = null;
        await using (var read = Command(connection, transaction, "SELECT version, document::text FROM plain_resources WHERE type = @type AND id = @id FOR UPDATE", type, id))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                version = reader.GetInt64(0);
                document = reader.GetString(1);
            }
        }

        // After the lock, so that a retry of the same key waits for the first attempt's commit and then replays it.
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
        var status = document is null ? 201 : 200;
        var answer = PlainDocument.Applied(next, updated);

        await using (var write = document is null
            ? Command(connection, transaction, "INSERT INTO plain_resources (type, id, version, document, updated_at) VALUES (@type, @id, @next, @document::jsonb, now())", type, id)
            : Command(connection, transaction, "UPDATE plain_resources SET version = @next, document = @document::jsonb, updated_at = now() WHERE type = @type AND id = @id AND version = @old", type, id))
        {
            write.Parameters.AddWithValue("next", next);
            write.Parameters.AddWithValue("document", NpgsqlDbType.Text, updated);
            if (document is not null)
            {
                write.Parameters.AddWithValue("old", version);
            }

            if (await write.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                // Cannot happen while the row is locked; checked anyway, as the hand-written version would.
                throw new InvalidOperationException($"{type}/{id} changed under a locked row.");
            }
        }

        await using (var intent = Command(connection, transaction, "INSERT INTO plain_intents (type, id, key, version, status, answer, created_at) VALUES (@type, @id, @key, @next, @status, @answer, now())", type, id, key))
        {
            intent.Parameters.AddWithValue("next", next);
            intent.Parameters.AddWithValue("status", status);
            intent.Parameters.AddWithValue("answer", answer);
            await intent.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var @event = Command(connection, transaction, "INSERT INTO plain_events (type, id, version, payload, created_at) VALUES (@type, @id, @next, @payload::jsonb, now())", type, id))
        {
            @event.Parameters.AddWithValue("next", next);
            @event.Parameters.AddWithValue("payload", NpgsqlDbType.Text, PlainDocument.Event(increment, updated));
            await @event.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new PlainAnswer(status, answer);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, string type, string id, string? key = null)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("type", type);
        command.Parameters.AddWithValue("id", id);
        if (key is not null)
        {
            command.Parameters.AddWithValue("key", key);
        }

        return command;
    }
}
