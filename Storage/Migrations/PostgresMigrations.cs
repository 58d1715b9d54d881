namespace OrleansConsistency.Storage.Migrations;

/// <summary>
/// The PostgreSQL schema, step by step. Timestamps are unix milliseconds. Constraint names are fixed because the
/// provider maps unique violations by them.
/// </summary>
internal static class PostgresMigrations
{
    /// <summary>The advisory lock key that serializes migrations of all silos on one database.</summary>
    public const long AdvisoryLockKey = 0x4F43_4D69_6772;

    public const string CreateHistory = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version integer NOT NULL PRIMARY KEY,
            name text NOT NULL,
            applied_at bigint NOT NULL)
        """;

    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "initial schema", """
            -- Unlike Orleans' own PostgreSQL script, the primary key makes two racing first writes of a grain safe.
            CREATE TABLE grain_state (
                grain_type text NOT NULL,
                grain_id text NOT NULL,
                etag bigint NOT NULL,
                version bigint NULL,
                payload text NULL,
                updated_at bigint NOT NULL,
                CONSTRAINT grain_state_pkey PRIMARY KEY (grain_type, grain_id));

            CREATE TABLE intents (
                resource_id text NOT NULL,
                idempotency_key text NOT NULL,
                fingerprint text NOT NULL,
                version bigint NULL,
                outcome text NOT NULL,
                created_at bigint NOT NULL,
                expires_at bigint NOT NULL,
                CONSTRAINT intents_pkey PRIMARY KEY (resource_id, idempotency_key));
            CREATE INDEX intents_expires_at_idx ON intents (expires_at);

            CREATE TABLE events (
                seq bigserial NOT NULL,
                stream_namespace text NOT NULL,
                stream_key text NOT NULL,
                version bigint NOT NULL,
                type text NOT NULL,
                intent_key text NULL,
                correlation_id text NULL,
                payload text NOT NULL,
                created_at bigint NOT NULL,
                CONSTRAINT events_pkey PRIMARY KEY (seq),
                CONSTRAINT events_stream_version_key UNIQUE (stream_namespace, stream_key, version));
            CREATE INDEX events_namespace_seq_idx ON events (stream_namespace, seq);

            CREATE TABLE consumer_checkpoints (
                consumer text NOT NULL,
                resource_id text NOT NULL,
                version bigint NOT NULL,
                updated_at bigint NOT NULL,
                CONSTRAINT consumer_checkpoints_pkey PRIMARY KEY (consumer, resource_id));
            """),

        // Keys that are listed in order are COLLATE "C" (byte order of UTF-8, i.e. Unicode code point order): the
        // database's default collation may be linguistic (en_US sorts "a" < "B" < "b" and ignores punctuation), would
        // then differ from SQLite's BINARY order, and could not serve a prefix as a key range.
        new(2, "consumer failures, projections", """
            CREATE TABLE consumer_failures (
                consumer text COLLATE "C" NOT NULL,
                resource_id text COLLATE "C" NOT NULL,
                version bigint NOT NULL,
                reason text NOT NULL,
                attempts integer NOT NULL,
                failed_at bigint NOT NULL,
                CONSTRAINT consumer_failures_pkey PRIMARY KEY (consumer, resource_id, version));
            -- A resource's status lists the failures of all its consumers.
            CREATE INDEX consumer_failures_resource_idx ON consumer_failures (resource_id, version);

            CREATE TABLE projections (
                projection text COLLATE "C" NOT NULL,
                partition text COLLATE "C" NOT NULL,
                item_key text COLLATE "C" NOT NULL,
                version bigint NOT NULL,
                deleted boolean NOT NULL,
                payload text NULL,
                applied_at bigint NOT NULL,
                projected_at bigint NOT NULL,
                CONSTRAINT projections_pkey PRIMARY KEY (projection, partition, item_key));

            -- Finding the resources a consumer is behind on seeks a grain-id range in code point order; the primary
            -- key of grain_state is in the database's collation, which may not be that order.
            CREATE INDEX grain_state_type_id_c_idx ON grain_state (grain_type, grain_id COLLATE "C");
            """),

        // Membership in the spirit of Orleans' ADO.NET clustering. Heartbeat times are the database's clock, so silo
        // clocks never have to agree. Dead and departed rows stay for diagnosis; the version row grows on every
        // join, death and leave, so equal versions mean equal views.
        new(3, "cluster membership, consumer leases", """
            CREATE TABLE cluster_members (
                silo_id text COLLATE "C" NOT NULL,
                name text NOT NULL,
                address text NOT NULL,
                status text NOT NULL,
                started_at bigint NOT NULL,
                last_heartbeat bigint NOT NULL,
                ended_at bigint NULL,
                CONSTRAINT cluster_members_pkey PRIMARY KEY (silo_id));

            CREATE TABLE cluster_membership_version (
                id integer NOT NULL,
                version bigint NOT NULL,
                CONSTRAINT cluster_membership_version_pkey PRIMARY KEY (id),
                CONSTRAINT cluster_membership_version_single CHECK (id = 1));
            INSERT INTO cluster_membership_version (id, version) VALUES (1, 0);

            CREATE TABLE consumer_leases (
                consumer text COLLATE "C" NOT NULL,
                partition integer NOT NULL,
                owner text NOT NULL,
                expires_at bigint NOT NULL,
                CONSTRAINT consumer_leases_pkey PRIMARY KEY (consumer, partition));
            """),

        // Orleans' own membership protocol (Clustering/PostgresMembershipTable), beside the tables of step 3 rather
        // than in them: Orleans keeps one table version per cluster id and stores the times the silos report, not the
        // database's clock. Etags of both tables come from one sequence, so an etag is never reused, not even after a
        // cluster's rows were deleted and created again (a silo holding an old etag can then never match by chance).
        // Deleting a version row deletes its cluster's rows, and every writer locks the version row first.
        new(4, "orleans membership", """
            CREATE SEQUENCE orleans_membership_etag_seq AS bigint MINVALUE 1;

            CREATE TABLE orleans_membership_version (
                cluster_id text COLLATE "C" NOT NULL,
                version integer NOT NULL,
                etag bigint NOT NULL,
                CONSTRAINT orleans_membership_version_pkey PRIMARY KEY (cluster_id));

            -- status is Orleans' SiloStatus (3 = Active, 6 = Dead). suspect_times holds the votes as
            -- "silo,time|silo,time" (SiloAddress.ToParsableString, ISO 8601 UTC); last_suspect_time is their latest,
            -- kept as a column so that defunct rows can be cleaned up by the same "last updated" time Orleans uses.
            CREATE TABLE orleans_membership (
                cluster_id text COLLATE "C" NOT NULL,
                address text COLLATE "C" NOT NULL,
                port integer NOT NULL,
                generation integer NOT NULL,
                silo_name text NULL,
                host_name text NULL,
                role_name text NULL,
                update_zone integer NOT NULL,
                fault_zone integer NOT NULL,
                status integer NOT NULL,
                proxy_port integer NOT NULL,
                suspect_times text NULL,
                last_suspect_time timestamptz NULL,
                start_time timestamptz NOT NULL,
                i_am_alive_time timestamptz NOT NULL,
                etag bigint NOT NULL,
                CONSTRAINT orleans_membership_pkey PRIMARY KEY (cluster_id, address, port, generation),
                CONSTRAINT orleans_membership_cluster_fkey FOREIGN KEY (cluster_id)
                    REFERENCES orleans_membership_version (cluster_id) ON DELETE CASCADE);
            """),

        // The events table as the source of an Orleans persistent stream provider: each row names its stream queue
        // (null for rows written before), receivers read one queue in sequence order and keep a checkpoint per queue.
        // Adding a nullable column without a default only changes the catalog (no table rewrite); the migrator's
        // advisory lock keeps two silos from running the step at once.
        new(5, "stream queues", """
            ALTER TABLE events ADD COLUMN queue_id integer NULL;
            CREATE INDEX events_queue_seq_idx ON events (queue_id, seq);

            CREATE TABLE stream_queue_checkpoints (
                provider text COLLATE "C" NOT NULL,
                queue_id integer NOT NULL,
                seq bigint NOT NULL,
                updated_at bigint NOT NULL,
                CONSTRAINT stream_queue_checkpoints_pkey PRIMARY KEY (provider, queue_id));
            """),

        // The project's own membership and consumer leases of step 3 are gone: Orleans' membership (step 4) and its
        // stream queue balancing (step 5) took their place, and no code reads or writes them any more. IF EXISTS keeps
        // the step harmless on a database where they were dropped by hand; the migrator's advisory lock keeps two silos
        // from running it at once, and it is recorded like any other step, so it runs once.
        new(6, "drop the home-made cluster tables", """
            DROP TABLE IF EXISTS consumer_leases;
            DROP TABLE IF EXISTS cluster_members;
            DROP TABLE IF EXISTS cluster_membership_version;
            """),
    ];
}
