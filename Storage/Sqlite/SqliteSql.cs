namespace OrleansConsistency.Storage.Sqlite;

/// <summary>The SQL the SQLite provider runs; timestamps are unix milliseconds.</summary>
internal static class SqliteSql
{
    public const string InsertState = """
        INSERT INTO grain_state (grain_type, grain_id, etag, version, payload, updated_at)
        VALUES ($grain_type, $grain_id, 1, $version, $payload, $updated_at)
        ON CONFLICT (grain_type, grain_id) DO NOTHING
        """;

    // The etag counts writes, clears included, so a stale writer can never match an ETag seen before (no ABA). A
    // matched row's new etag is $etag + 1, so the statement needs no RETURNING: SQLite runs RETURNING through a
    // temporary table whose page cache it creates and destroys on every execution (about 5% of the API's CPU under
    // load, by perf).
    public const string UpdateState = """
        UPDATE grain_state SET etag = etag + 1, version = $version, payload = $payload, updated_at = $updated_at
        WHERE grain_type = $grain_type AND grain_id = $grain_id AND etag = $etag
        """;

    public const string ReadState = $"SELECT {StorageRows.StateColumns} FROM grain_state WHERE grain_type = $grain_type AND grain_id = $grain_id";

    public const string InsertIntent = """
        INSERT INTO intents (resource_id, idempotency_key, fingerprint, version, outcome, created_at, expires_at)
        VALUES ($resource_id, $idempotency_key, $fingerprint, $version, $outcome, $created_at, $expires_at)
        """;

    public const string InsertEvent = """
        INSERT INTO events (stream_namespace, stream_key, version, type, intent_key, correlation_id, payload, created_at, queue_id)
        VALUES ($stream_namespace, $stream_key, $version, $type, $intent_key, $correlation_id, $payload, $created_at, $queue_id)
        """;

    public const string FindIntent = $"""
        SELECT {StorageRows.IntentColumns}
        FROM intents WHERE resource_id = $resource_id AND idempotency_key = $idempotency_key
        """;

    public const string PurgeIntents = """
        DELETE FROM intents WHERE rowid IN (
            SELECT rowid FROM intents WHERE expires_at <= $now ORDER BY expires_at LIMIT $limit)
        """;

    public const string ReadStream = $"""
        SELECT {StorageRows.EventColumns} FROM events
        WHERE stream_namespace = $stream_namespace AND stream_key = $stream_key AND version >= $from_version
        ORDER BY version LIMIT $limit
        """;

    public const string OldestVersion = """
        SELECT MIN(version) FROM events WHERE stream_namespace = $stream_namespace AND stream_key = $stream_key
        """;

    public const string ReadNamespace = $"""
        SELECT {StorageRows.EventColumns} FROM events
        WHERE stream_namespace = $stream_namespace AND seq > $after_seq
        ORDER BY seq LIMIT $limit
        """;

    // Seeks events_queue_seq_idx; rows without a queue (NULL) never match.
    public const string ReadQueue = $"""
        SELECT {StorageRows.EventColumns} FROM events
        WHERE queue_id = $queue_id AND seq > $after_seq
        ORDER BY seq LIMIT $limit
        """;

    public const string LastSequence = "SELECT COALESCE(MAX(seq), 0) FROM events";

    public const string GetQueueCheckpoint = "SELECT seq FROM stream_queue_checkpoints WHERE provider = $provider AND queue_id = $queue_id";

    // MAX keeps a queue checkpoint from moving backwards; updated_at says when the receiver last checkpointed.
    public const string SetQueueCheckpoint = """
        INSERT INTO stream_queue_checkpoints (provider, queue_id, seq, updated_at)
        VALUES ($provider, $queue_id, $seq, $updated_at)
        ON CONFLICT (provider, queue_id) DO UPDATE SET seq = MAX(seq, excluded.seq), updated_at = excluded.updated_at
        """;

    public const string GetCheckpoint = "SELECT version FROM consumer_checkpoints WHERE consumer = $consumer AND resource_id = $resource_id";

    // The WHERE of the upsert is what keeps a checkpoint from moving backwards; a row changed means it moved to
    // $version (no RETURNING, for the reason given at UpdateState).
    public const string SetCheckpoint = """
        INSERT INTO consumer_checkpoints (consumer, resource_id, version, updated_at)
        VALUES ($consumer, $resource_id, $version, $updated_at)
        ON CONFLICT (consumer, resource_id) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at
        WHERE consumer_checkpoints.version < excluded.version
        """;

    // A missing checkpoint counts as 0. The range on grain_id is the literal prefix match (see KeyPrefix); it seeks the
    // primary key of grain_state, and each row's checkpoint is one primary-key lookup.
    public const string ListBehind = """
        SELECT s.grain_id, COALESCE(c.version, 0), s.version
        FROM grain_state s
        LEFT JOIN consumer_checkpoints c ON c.consumer = $consumer AND c.resource_id = s.grain_id
        WHERE s.grain_type = $grain_type AND s.grain_id >= $prefix AND s.version > COALESCE(c.version, 0)
        ORDER BY s.grain_id LIMIT $limit
        """;

    public const string ListBehindBelow = """
        SELECT s.grain_id, COALESCE(c.version, 0), s.version
        FROM grain_state s
        LEFT JOIN consumer_checkpoints c ON c.consumer = $consumer AND c.resource_id = s.grain_id
        WHERE s.grain_type = $grain_type AND s.grain_id >= $prefix AND s.grain_id < $upper AND s.version > COALESCE(c.version, 0)
        ORDER BY s.grain_id LIMIT $limit
        """;

    public const string RecordFailure = """
        INSERT INTO consumer_failures (consumer, resource_id, version, reason, attempts, failed_at)
        VALUES ($consumer, $resource_id, $version, $reason, $attempts, $failed_at)
        ON CONFLICT (consumer, resource_id, version) DO UPDATE
        SET reason = excluded.reason, attempts = excluded.attempts, failed_at = excluded.failed_at
        """;

    public const string RemoveFailure = "DELETE FROM consumer_failures WHERE consumer = $consumer AND resource_id = $resource_id AND version = $version";

    public const string ListFailures = $"""
        SELECT {StorageRows.FailureColumns} FROM consumer_failures WHERE resource_id = $resource_id ORDER BY version, consumer
        """;

    public const string ListConsumerFailures = $"""
        SELECT {StorageRows.FailureColumns} FROM consumer_failures WHERE consumer = $consumer ORDER BY resource_id, version
        """;

    public const string ListConsumerFailuresOfResource = $"""
        SELECT {StorageRows.FailureColumns} FROM consumer_failures
        WHERE consumer = $consumer AND resource_id = $resource_id ORDER BY version
        """;

    // The WHERE of the upsert is what makes it idempotent and keeps an item from moving backwards.
    public const string UpsertProjection = $"""
        INSERT INTO projections ({StorageRows.ProjectionColumns})
        VALUES ($projection, $partition, $item_key, $version, $deleted, $payload, $applied_at, $projected_at)
        ON CONFLICT (projection, partition, item_key) DO UPDATE
        SET version = excluded.version, deleted = excluded.deleted, payload = excluded.payload,
            applied_at = excluded.applied_at, projected_at = excluded.projected_at
        WHERE projections.version < excluded.version
        """;

    public const string GetProjection = $"""
        SELECT {StorageRows.ProjectionColumns} FROM projections
        WHERE projection = $projection AND partition = $partition AND item_key = $item_key
        """;

    private const string ListProjectionsSelect = $"""
        SELECT {StorageRows.ProjectionColumns} FROM projections
        WHERE projection = $projection AND partition = $partition AND ($include_deleted OR deleted = 0)
        """;

    public const string ListProjections = ListProjectionsSelect + " ORDER BY item_key LIMIT $limit";

    public const string ListProjectionsAfter = ListProjectionsSelect + " AND item_key > $after_key ORDER BY item_key LIMIT $limit";
}
