namespace OrleansConsistency.Storage.Migrations;

/// <summary>The SQLite schema, step by step. Timestamps are unix milliseconds.</summary>
internal static class SqliteMigrations
{
    public const string CreateHistory = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER NOT NULL PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at INTEGER NOT NULL)
        """;

    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "initial schema", """
            CREATE TABLE grain_state (
                grain_type TEXT NOT NULL,
                grain_id TEXT NOT NULL,
                etag INTEGER NOT NULL,
                version INTEGER NULL,
                payload TEXT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (grain_type, grain_id));

            CREATE TABLE intents (
                resource_id TEXT NOT NULL,
                idempotency_key TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                version INTEGER NULL,
                outcome TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                PRIMARY KEY (resource_id, idempotency_key));
            CREATE INDEX intents_expires_at_idx ON intents (expires_at);

            -- AUTOINCREMENT: a sequence is never reused, even after the newest events are deleted, so a reader's
            -- position stays meaningful.
            CREATE TABLE events (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                stream_namespace TEXT NOT NULL,
                stream_key TEXT NOT NULL,
                version INTEGER NOT NULL,
                type TEXT NOT NULL,
                intent_key TEXT NULL,
                correlation_id TEXT NULL,
                payload TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                CONSTRAINT events_stream_version_key UNIQUE (stream_namespace, stream_key, version));
            CREATE INDEX events_namespace_seq_idx ON events (stream_namespace, seq);

            CREATE TABLE consumer_checkpoints (
                consumer TEXT NOT NULL,
                resource_id TEXT NOT NULL,
                version INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (consumer, resource_id));
            """),

        // Text keys use SQLite's default BINARY collation: UTF-8 byte order, i.e. Unicode code point order, the same
        // order as PostgreSQL's "C" collation, so listings page identically on both.
        new(2, "consumer failures, projections", """
            CREATE TABLE consumer_failures (
                consumer TEXT NOT NULL,
                resource_id TEXT NOT NULL,
                version INTEGER NOT NULL,
                reason TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                failed_at INTEGER NOT NULL,
                PRIMARY KEY (consumer, resource_id, version));
            -- A resource's status lists the failures of all its consumers.
            CREATE INDEX consumer_failures_resource_idx ON consumer_failures (resource_id, version);

            CREATE TABLE projections (
                projection TEXT NOT NULL,
                partition TEXT NOT NULL,
                item_key TEXT NOT NULL,
                version INTEGER NOT NULL,
                deleted INTEGER NOT NULL,
                payload TEXT NULL,
                applied_at INTEGER NOT NULL,
                projected_at INTEGER NOT NULL,
                PRIMARY KEY (projection, partition, item_key));
            """),

        // The events table as the source of an Orleans persistent stream provider: each row names its stream queue
        // (null for rows written before), receivers read one queue in sequence order and keep a checkpoint per queue.
        // The migrator runs the step once, inside its BEGIN IMMEDIATE, so the ALTER never races another silo's.
        new(3, "stream queues", """
            ALTER TABLE events ADD COLUMN queue_id INTEGER NULL;
            CREATE INDEX events_queue_seq_idx ON events (queue_id, seq);

            CREATE TABLE stream_queue_checkpoints (
                provider TEXT NOT NULL,
                queue_id INTEGER NOT NULL,
                seq INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (provider, queue_id));
            """),
    ];
}
