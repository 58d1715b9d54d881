using System.Globalization;
using System.Text;

namespace OrleansConsistency.Storage.Postgres;

/// <summary>
/// The SQL the PostgreSQL provider runs. Parameters are positional (<c>$1</c>), as batched commands need;
/// timestamps are unix milliseconds.
/// </summary>
internal static class PostgresSql
{
    // Eight shapes of the write statement: insert or update, with or without intents, with or without events.
    // Their texts are fixed, so the server (and Npgsql's auto-prepare, if enabled) sees few distinct statements.
    private static readonly string[] WriteStatements = Enumerable.Range(0, 8)
        .Select(shape => BuildWrite(update: (shape & 1) != 0, intents: (shape & 2) != 0, events: (shape & 4) != 0))
        .ToArray();

    /// <summary>
    /// One grain write as one statement: the CAS on the state row and the inserts of its intents and events are
    /// data-modifying CTEs, so the inserts happen only when the CAS matched, and the whole write costs no extra
    /// round trip. Parameters: $1 grain_type, $2 grain_id, $3 version, $4 payload, $5 updated_at,
    /// [$6 expected etag], then 7 intent arrays, then 9 event arrays (the last one the queue ids). It returns (etag, true) when written,
    /// (stored etag, false) when the CAS failed on an existing row, and no row when there is none.
    /// </summary>
    public static string Write(bool update, bool intents, bool events) =>
        WriteStatements[(update ? 1 : 0) | (intents ? 2 : 0) | (events ? 4 : 0)];

    /// <summary>
    /// Many grain writes as one statement (group commit on PostgreSQL): the same compare-and-swap and the same
    /// inserts as <see cref="Write"/>, but set-based over arrays, so the server plans and runs one statement per batch
    /// instead of one per write. The grain keys must be distinct (a batch with two writes to one grain runs in rounds).
    /// Parameters: $1 updated_at; the writes as arrays $2 ordinal, $3 grain_type, $4 grain_id, $5 version, $6 payload,
    /// $7 expected etag (null: expects no row); the intents as arrays $8 write ordinal, $9.. $15; the events as arrays
    /// $16 write ordinal, $17.. $24, $25 queue id. It returns one row per write: (ordinal, etag, written); etag is the stored one
    /// (or null when there is no row) when the CAS failed.
    /// </summary>
    public const string BatchWrite = """
        WITH w AS (
            SELECT * FROM unnest($2::int[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::bigint[])
                AS t(ord, grain_type, grain_id, version, payload, expected)),
        u AS (
            UPDATE grain_state g SET etag = g.etag + 1, version = w.version, payload = w.payload, updated_at = $1
            FROM w WHERE w.expected IS NOT NULL AND g.grain_type = w.grain_type AND g.grain_id = w.grain_id AND g.etag = w.expected
            RETURNING w.ord, g.etag),
        n AS (
            INSERT INTO grain_state (grain_type, grain_id, etag, version, payload, updated_at)
            SELECT grain_type, grain_id, 1, version, payload, $1 FROM w WHERE expected IS NULL ORDER BY ord
            ON CONFLICT (grain_type, grain_id) DO NOTHING
            RETURNING grain_type, grain_id, etag),
        ok AS (
            SELECT ord, etag FROM u
            UNION ALL
            SELECT w.ord, n.etag FROM n JOIN w ON w.expected IS NULL AND w.grain_type = n.grain_type AND w.grain_id = n.grain_id),
        i AS (
            INSERT INTO intents (resource_id, idempotency_key, fingerprint, version, outcome, created_at, expires_at)
            SELECT resource_id, idempotency_key, fingerprint, version, outcome, created_at, expires_at
            FROM unnest($8::int[], $9::text[], $10::text[], $11::text[], $12::bigint[], $13::text[], $14::bigint[], $15::bigint[])
                AS x(ord, resource_id, idempotency_key, fingerprint, version, outcome, created_at, expires_at)
            WHERE x.ord IN (SELECT ord FROM ok)),
        e AS (
            INSERT INTO events (stream_namespace, stream_key, version, type, intent_key, correlation_id, payload, created_at, queue_id)
            SELECT stream_namespace, stream_key, version, type, intent_key, correlation_id, payload, created_at, queue_id
            FROM unnest($16::int[], $17::text[], $18::text[], $19::bigint[], $20::text[], $21::text[], $22::text[], $23::text[], $24::bigint[], $25::int[])
                WITH ORDINALITY AS x(ord, stream_namespace, stream_key, version, type, intent_key, correlation_id, payload, created_at, queue_id, position)
            WHERE x.ord IN (SELECT ord FROM ok) ORDER BY x.position)
        SELECT w.ord, COALESCE(ok.etag, g.etag), ok.ord IS NOT NULL
        FROM w LEFT JOIN ok ON ok.ord = w.ord
        LEFT JOIN grain_state g ON g.grain_type = w.grain_type AND g.grain_id = w.grain_id
        """;

    public const string ReadState = $"SELECT {StorageRows.StateColumns} FROM grain_state WHERE grain_type = $1 AND grain_id = $2";

    public const string FindIntent = $"""
        SELECT {StorageRows.IntentColumns}
        FROM intents WHERE resource_id = $1 AND idempotency_key = $2
        """;

    // SKIP LOCKED lets purges on several silos run at once without waiting for each other.
    public const string PurgeIntents = """
        DELETE FROM intents WHERE (resource_id, idempotency_key) IN (
            SELECT resource_id, idempotency_key FROM intents WHERE expires_at <= $1
            ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        """;

    public const string ReadStream = $"""
        SELECT {StorageRows.EventColumns} FROM events
        WHERE stream_namespace = $1 AND stream_key = $2 AND version >= $3
        ORDER BY version LIMIT $4
        """;

    public const string OldestVersion = "SELECT MIN(version) FROM events WHERE stream_namespace = $1 AND stream_key = $2";

    public const string ReadNamespace = $"""
        SELECT {StorageRows.EventColumns} FROM events
        WHERE stream_namespace = $1 AND seq > $2
        ORDER BY seq LIMIT $3
        """;

    // Seeks events_queue_seq_idx; rows without a queue (NULL) never match.
    public const string ReadQueue = $"""
        SELECT {StorageRows.EventColumns} FROM events
        WHERE queue_id = $1 AND seq > $2
        ORDER BY seq LIMIT $3
        """;

    public const string LastSequence = "SELECT COALESCE(max(seq), 0) FROM events";

    public const string GetQueueCheckpoint = "SELECT seq FROM stream_queue_checkpoints WHERE provider = $1 AND queue_id = $2";

    // GREATEST keeps a queue checkpoint from moving backwards; ON CONFLICT makes racing receivers safe. It answers
    // the checkpoint after the write.
    public const string SetQueueCheckpoint = """
        INSERT INTO stream_queue_checkpoints (provider, queue_id, seq, updated_at) VALUES ($1, $2, $3, $4)
        ON CONFLICT (provider, queue_id) DO UPDATE
        SET seq = GREATEST(stream_queue_checkpoints.seq, excluded.seq), updated_at = excluded.updated_at
        RETURNING seq
        """;

    public const string GetCheckpoint = "SELECT version FROM consumer_checkpoints WHERE consumer = $1 AND resource_id = $2";

    // The WHERE of the upsert is what keeps a checkpoint from moving backwards.
    public const string SetCheckpoint = """
        INSERT INTO consumer_checkpoints (consumer, resource_id, version, updated_at) VALUES ($1, $2, $3, $4)
        ON CONFLICT (consumer, resource_id) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at
        WHERE consumer_checkpoints.version < excluded.version
        RETURNING version
        """;

    // A missing checkpoint counts as 0. The comparisons and the order are in the "C" collation (code point order, as
    // SQLite's BINARY), whatever the database's default: only then is the range on grain_id the literal prefix match
    // (see KeyPrefix), and it seeks grain_state_type_id_c_idx; each row's checkpoint is one primary-key lookup.
    public const string ListBehind = """
        SELECT s.grain_id, COALESCE(c.version, 0), s.version
        FROM grain_state s
        LEFT JOIN consumer_checkpoints c ON c.consumer = $1 AND c.resource_id = s.grain_id
        WHERE s.grain_type = $2 AND s.grain_id COLLATE "C" >= $3 AND s.version > COALESCE(c.version, 0)
        ORDER BY s.grain_id COLLATE "C" LIMIT $4
        """;

    public const string ListBehindBelow = """
        SELECT s.grain_id, COALESCE(c.version, 0), s.version
        FROM grain_state s
        LEFT JOIN consumer_checkpoints c ON c.consumer = $1 AND c.resource_id = s.grain_id
        WHERE s.grain_type = $2 AND s.grain_id COLLATE "C" >= $3 AND s.grain_id COLLATE "C" < $5 AND s.version > COALESCE(c.version, 0)
        ORDER BY s.grain_id COLLATE "C" LIMIT $4
        """;

    // SetCheckpoint, answering the checkpoint after the write in one statement: the second branch reads the snapshot
    // from before the statement, which holds the stored (higher) checkpoint when the upsert changed nothing.
    public const string AdvanceCheckpoint = $"""
        WITH up AS ({SetCheckpoint})
        SELECT version FROM up
        UNION ALL SELECT version FROM consumer_checkpoints WHERE consumer = $1 AND resource_id = $2 AND NOT EXISTS (SELECT 1 FROM up)
        """;

    public const string RecordFailure = """
        INSERT INTO consumer_failures (consumer, resource_id, version, reason, attempts, failed_at) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (consumer, resource_id, version) DO UPDATE
        SET reason = excluded.reason, attempts = excluded.attempts, failed_at = excluded.failed_at
        """;

    public const string RemoveFailure = "DELETE FROM consumer_failures WHERE consumer = $1 AND resource_id = $2 AND version = $3";

    // The key columns of consumer_failures and projections are COLLATE "C", so ORDER BY on them is code point order.
    public const string ListFailures = $"""
        SELECT {StorageRows.FailureColumns} FROM consumer_failures WHERE resource_id = $1 ORDER BY version, consumer
        """;

    public const string ListConsumerFailures = $"""
        SELECT {StorageRows.FailureColumns} FROM consumer_failures WHERE consumer = $1 ORDER BY resource_id, version
        """;

    public const string ListConsumerFailuresOfResource = $"""
        SELECT {StorageRows.FailureColumns} FROM consumer_failures WHERE consumer = $1 AND resource_id = $2 ORDER BY version
        """;

    // The WHERE of the upsert is what makes it idempotent and keeps an item from moving backwards; ON CONFLICT makes
    // racing writers of one item safe.
    public const string UpsertProjection = $"""
        INSERT INTO projections ({StorageRows.ProjectionColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (projection, partition, item_key) DO UPDATE
        SET version = excluded.version, deleted = excluded.deleted, payload = excluded.payload,
            applied_at = excluded.applied_at, projected_at = excluded.projected_at
        WHERE projections.version < excluded.version
        """;

    public const string UpsertProjectionReturning = $"{UpsertProjection} RETURNING version";

    public const string GetProjection = $"""
        SELECT {StorageRows.ProjectionColumns} FROM projections WHERE projection = $1 AND partition = $2 AND item_key = $3
        """;

    public const string ListProjections = $"""
        SELECT {StorageRows.ProjectionColumns} FROM projections
        WHERE projection = $1 AND partition = $2 AND ($3 OR NOT deleted)
        ORDER BY item_key LIMIT $4
        """;

    public const string ListProjectionsAfter = $"""
        SELECT {StorageRows.ProjectionColumns} FROM projections
        WHERE projection = $1 AND partition = $2 AND ($3 OR NOT deleted) AND item_key > $5
        ORDER BY item_key LIMIT $4
        """;

    /// <summary>Constraint names the provider maps unique violations (23505) by; the migrations create them.</summary>
    public const string IntentsPrimaryKey = "intents_pkey";

    public const string EventsStreamVersionKey = "events_stream_version_key";

    public const string GrainStatePrimaryKey = "grain_state_pkey";

    private static string BuildWrite(bool update, bool intents, bool events)
    {
        var sql = new StringBuilder("WITH s AS (");
        int next;
        if (update)
        {
            // The etag counts writes, clears included, so a stale writer can never match an ETag seen before (no ABA).
            sql.Append("UPDATE grain_state SET etag = etag + 1, version = $3, payload = $4, updated_at = $5 ")
               .Append("WHERE grain_type = $1 AND grain_id = $2 AND etag = $6 RETURNING etag)");
            next = 7;
        }
        else
        {
            // The primary key makes two racing first writes safe: the loser waits for the winner's commit and then
            // inserts nothing.
            sql.Append("INSERT INTO grain_state (grain_type, grain_id, etag, version, payload, updated_at) ")
               .Append("VALUES ($1, $2, 1, $3, $4, $5) ON CONFLICT (grain_type, grain_id) DO NOTHING RETURNING etag)");
            next = 6;
        }

        if (intents)
        {
            sql.Append(CultureInfo.InvariantCulture,
                $", i AS (INSERT INTO intents (resource_id, idempotency_key, fingerprint, version, outcome, created_at, expires_at) SELECT * FROM unnest(${next}::text[], ${next + 1}::text[], ${next + 2}::text[], ${next + 3}::bigint[], ${next + 4}::text[], ${next + 5}::bigint[], ${next + 6}::bigint[]) WHERE EXISTS (SELECT 1 FROM s))");
            next += 7;
        }

        if (events)
        {
            sql.Append(CultureInfo.InvariantCulture,
                $", e AS (INSERT INTO events (stream_namespace, stream_key, version, type, intent_key, correlation_id, payload, created_at, queue_id) SELECT * FROM unnest(${next}::text[], ${next + 1}::text[], ${next + 2}::bigint[], ${next + 3}::text[], ${next + 4}::text[], ${next + 5}::text[], ${next + 6}::text[], ${next + 7}::bigint[], ${next + 8}::int[]) WHERE EXISTS (SELECT 1 FROM s))");
        }

        // The second branch reads the statement's snapshot, i.e. the row as it was before this write: the stored
        // ETag that the exception reports, at no extra round trip.
        sql.Append(" SELECT etag, true FROM s UNION ALL SELECT etag, false FROM grain_state ")
           .Append("WHERE grain_type = $1 AND grain_id = $2 AND NOT EXISTS (SELECT 1 FROM s)");
        return sql.ToString();
    }
}
