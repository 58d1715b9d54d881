namespace OrleansConsistency.Runtime.Storage.Sqlite;

/// <summary>The SQL the SQLite provider runs; timestamps are unix milliseconds.</summary>
internal static class SqliteSql
{
    public const string InsertState = """
        INSERT INTO grain_state (grain_type, grain_id, etag, version, payload, updated_at)
        VALUES ($grain_type, $grain_id, 1, $version, $payload, $updated_at)
        ON CONFLICT (grain_type, grain_id) DO NOTHING
        """;

    // The etag counts writes, clears included, so a stale writer can never match an ETag seen before (no ABA).
    public const string UpdateState = """
        UPDATE grain_state SET etag = etag + 1, version = $version, payload = $payload, updated_at = $updated_at
        WHERE grain_type = $grain_type AND grain_id = $grain_id AND etag = $etag
        RETURNING etag
        """;

    public const string ReadState = "SELECT etag, version, payload FROM grain_state WHERE grain_type = $grain_type AND grain_id = $grain_id";

    public const string InsertIntent = """
        INSERT INTO intents (resource_id, idempotency_key, fingerprint, version, outcome, created_at, expires_at)
        VALUES ($resource_id, $idempotency_key, $fingerprint, $version, $outcome, $created_at, $expires_at)
        """;

    public const string InsertEvent = """
        INSERT INTO events (stream_namespace, stream_key, version, type, intent_key, correlation_id, payload, created_at)
        VALUES ($stream_namespace, $stream_key, $version, $type, $intent_key, $correlation_id, $payload, $created_at)
        """;

    public const string FindIntent = """
        SELECT resource_id, idempotency_key, fingerprint, version, outcome, created_at, expires_at
        FROM intents WHERE resource_id = $resource_id AND idempotency_key = $idempotency_key
        """;

    public const string PurgeIntents = """
        DELETE FROM intents WHERE rowid IN (
            SELECT rowid FROM intents WHERE expires_at <= $now ORDER BY expires_at LIMIT $limit)
        """;

    private const string EventColumns = "seq, stream_namespace, stream_key, version, type, intent_key, correlation_id, payload, created_at";

    public const string ReadStream = $"""
        SELECT {EventColumns} FROM events
        WHERE stream_namespace = $stream_namespace AND stream_key = $stream_key AND version >= $from_version
        ORDER BY version LIMIT $limit
        """;

    public const string OldestVersion = """
        SELECT MIN(version) FROM events WHERE stream_namespace = $stream_namespace AND stream_key = $stream_key
        """;

    public const string ReadNamespace = $"""
        SELECT {EventColumns} FROM events
        WHERE stream_namespace = $stream_namespace AND seq > $after_seq
        ORDER BY seq LIMIT $limit
        """;

    public const string GetCheckpoint = "SELECT version FROM consumer_checkpoints WHERE consumer = $consumer AND resource_id = $resource_id";

    // The WHERE of the upsert is what keeps a checkpoint from moving backwards.
    public const string SetCheckpoint = """
        INSERT INTO consumer_checkpoints (consumer, resource_id, version, updated_at)
        VALUES ($consumer, $resource_id, $version, $updated_at)
        ON CONFLICT (consumer, resource_id) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at
        WHERE consumer_checkpoints.version < excluded.version
        RETURNING version
        """;
}
