using System.Data.Common;
using Npgsql;

namespace OrleansConsistency.Bench.HttpBenchmarks;

/// <summary>
/// The plain baseline on PostgreSQL: per intent one transaction that locks the resource's row
/// (<c>SELECT ... FOR UPDATE</c>), committed with the server's <c>synchronous_commit</c> (on by default: one WAL flush
/// per commit), over Npgsql's connection pool.
/// </summary>
internal sealed class PlainPostgresStore(string connectionString) : PlainTransactionStore
{
    private const string UniqueViolation = "23505";

    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    /// <inheritdoc />
    public override async Task CreateTablesAsync()
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

    /// <summary>The resource's row is locked (<c>FOR UPDATE</c>) for the whole transaction; the time comes from the server.</summary>
    protected override PlainSql Sql { get; } = new(
        SelectResource: "SELECT version, document::text FROM plain_resources WHERE type = @type AND id = @id FOR UPDATE",
        FindIntent: "SELECT status, answer FROM plain_intents WHERE type = @type AND id = @id AND key = @key",
        InsertResource: "INSERT INTO plain_resources (type, id, version, document, updated_at) VALUES (@type, @id, @next, @document::jsonb, now())",
        UpdateResource: "UPDATE plain_resources SET version = @next, document = @document::jsonb, updated_at = now() WHERE type = @type AND id = @id AND version = @old",
        InsertIntent: "INSERT INTO plain_intents (type, id, key, version, status, answer, created_at) VALUES (@type, @id, @key, @next, @status, @answer, now())",
        InsertEvent: "INSERT INTO plain_events (type, id, version, payload, created_at) VALUES (@type, @id, @next, @payload::jsonb, now())");

    /// <inheritdoc />
    public override async Task<string> DescribeAsync()
    {
        await using var command = _dataSource.CreateCommand("SELECT current_setting('server_version'), current_setting('synchronous_commit'), current_setting('fsync')");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return $"PostgreSQL {reader.GetString(0)}, synchronous_commit={reader.GetString(1)}, fsync={reader.GetString(2)}";
    }

    /// <inheritdoc />
    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await _dataSource.OpenConnectionAsync(cancellationToken);

    protected override async Task<DbTransaction> BeginAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(cancellationToken);

    /// <summary>FOR UPDATE locks nothing while the resource does not exist, so two first writes (or the same key twice) can race to insert it.</summary>
    protected override bool IsConflict(DbException exception) => exception is PostgresException { SqlState: UniqueViolation };
}
