using Microsoft.Data.Sqlite;

namespace OrleansConsistency.Storage.Sqlite;

/// <summary>
/// The writer connection's commands, created once so that SQLite keeps their statements prepared.
/// Transactions are driven with plain SQL (BEGIN IMMEDIATE, COMMIT) rather than SqliteTransaction, so
/// the cached commands need no transaction object.
/// </summary>
internal sealed class SqliteWriterCommands : IDisposable
{
    public SqliteWriterCommands(SqliteConnection connection)
    {
        BeginImmediate = Create(connection, "BEGIN IMMEDIATE");
        Commit = Create(connection, "COMMIT");
        Rollback = Create(connection, "ROLLBACK");
        CheckpointPassive = Create(connection, "PRAGMA wal_checkpoint(PASSIVE)");
        InsertState = Create(connection, SqliteSql.InsertState, "$grain_type", "$grain_id", "$version", "$payload", "$updated_at");
        UpdateState = Create(connection, SqliteSql.UpdateState, "$grain_type", "$grain_id", "$version", "$payload", "$updated_at", "$etag");
        ReadState = Create(connection, SqliteSql.ReadState, "$grain_type", "$grain_id");
        InsertIntent = Create(connection, SqliteSql.InsertIntent, "$resource_id", "$idempotency_key", "$fingerprint", "$version", "$outcome", "$created_at", "$expires_at");
        InsertEvent = Create(connection, SqliteSql.InsertEvent, "$stream_namespace", "$stream_key", "$version", "$type", "$intent_key", "$correlation_id", "$payload", "$created_at", "$queue_id");
        SetCheckpoint = Create(connection, SqliteSql.SetCheckpoint, "$consumer", "$resource_id", "$version", "$updated_at");
        GetCheckpoint = Create(connection, SqliteSql.GetCheckpoint, "$consumer", "$resource_id");
        SetQueueCheckpoint = Create(connection, SqliteSql.SetQueueCheckpoint, "$provider", "$queue_id", "$seq", "$updated_at");
        GetQueueCheckpoint = Create(connection, SqliteSql.GetQueueCheckpoint, "$provider", "$queue_id");
        UpsertProjection = Create(
            connection, SqliteSql.UpsertProjection, "$projection", "$partition", "$item_key", "$version", "$deleted", "$payload", "$applied_at", "$projected_at");
    }

    public SqliteCommand BeginImmediate { get; }

    public SqliteCommand Commit { get; }

    public SqliteCommand Rollback { get; }

    public SqliteCommand CheckpointPassive { get; }

    public SqliteCommand InsertState { get; }

    public SqliteCommand UpdateState { get; }

    public SqliteCommand ReadState { get; }

    public SqliteCommand InsertIntent { get; }

    public SqliteCommand InsertEvent { get; }

    public SqliteCommand SetCheckpoint { get; }

    public SqliteCommand GetCheckpoint { get; }

    public SqliteCommand SetQueueCheckpoint { get; }

    public SqliteCommand GetQueueCheckpoint { get; }

    public SqliteCommand UpsertProjection { get; }

    public void Dispose()
    {
        BeginImmediate.Dispose();
        Commit.Dispose();
        Rollback.Dispose();
        CheckpointPassive.Dispose();
        InsertState.Dispose();
        UpdateState.Dispose();
        ReadState.Dispose();
        InsertIntent.Dispose();
        InsertEvent.Dispose();
        SetCheckpoint.Dispose();
        GetCheckpoint.Dispose();
        SetQueueCheckpoint.Dispose();
        GetQueueCheckpoint.Dispose();
        UpsertProjection.Dispose();
    }

    private static SqliteCommand Create(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }
}
