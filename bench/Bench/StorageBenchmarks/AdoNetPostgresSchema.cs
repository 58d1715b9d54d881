using Npgsql;

namespace OrleansConsistency.Bench.StorageBenchmarks;

/// <summary>
/// The PostgreSQL side of the query contract of Orleans' ADO.NET grain storage (<c>Microsoft.Orleans.Persistence.AdoNet</c>
/// 10.4.2), written for this bench: the package ships no SQL, and Orleans' own scripts are not copied. The provider
/// reads its statements at silo start from <c>OrleansQuery(QueryKey, QueryText)</c> and runs each on a pooled
/// connection in autocommit, one statement per grain operation, with these parameters (names as the provider binds
/// them): <c>GrainIdHash</c> (int), <c>GrainIdN0</c>/<c>GrainIdN1</c> (bigint), <c>GrainTypeHash</c> (int),
/// <c>GrainTypeString</c>, <c>GrainIdExtensionString</c> (text, null for keys without an extension), <c>ServiceId</c>,
/// and on write and clear <c>GrainStateVersion</c> (int, null for a state never stored) and on write
/// <c>PayloadBinary</c> (bytea). Result columns it reads: read → <c>PayloadBinary</c>, <c>Version</c>; write →
/// <c>NewGrainStateVersion</c>; clear → the first column. A write or clear must return exactly one row whose value is
/// the new version, or NULL when the expected version did not match: the provider turns an empty value, or one equal
/// to the grain's ETag, into <c>InconsistentStateException</c>.
/// </summary>
internal static class AdoNetPostgresSchema
{
    // One row per grain state. The key leads with the provider's two hashes (cheap to compare), then the natural key,
    // so the primary key is unique per state and an INSERT can detect a concurrent first write.
    private const string CreateTables = """
        CREATE TABLE IF NOT EXISTS orleansstorage (
            grainidhash integer NOT NULL,
            graintypehash integer NOT NULL,
            serviceid text NOT NULL,
            graintype text NOT NULL,
            grainidn0 bigint NOT NULL,
            grainidn1 bigint NOT NULL,
            grainidextension text NOT NULL,
            payloadbinary bytea,
            version integer NOT NULL,
            modifiedon timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT orleansstorage_key PRIMARY KEY (grainidhash, graintypehash, serviceid, graintype, grainidn0, grainidn1, grainidextension)
        );
        CREATE TABLE IF NOT EXISTS orleansquery (
            querykey text PRIMARY KEY,
            querytext text NOT NULL
        );
        """;

    private const string ThisState = """
        grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash
              AND serviceid = @ServiceId AND graintype = @GrainTypeString
              AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
              AND grainidextension = coalesce(@GrainIdExtensionString, '')
        """;

    private const string ReadQuery = $"""
        SELECT payloadbinary AS "PayloadBinary", version AS "Version"
        FROM orleansstorage
        WHERE {ThisState}
        """;

    // Compare-and-swap: with an expected version, update only the row still at it; without one, insert version 1
    // unless the row exists. Either way exactly one row comes back: the new version, or NULL for a conflict.
    private const string WriteQuery = $"""
        WITH updated AS (
            UPDATE orleansstorage
            SET payloadbinary = @PayloadBinary, version = version + 1, modifiedon = now()
            WHERE @GrainStateVersion IS NOT NULL AND version = @GrainStateVersion
              AND {ThisState}
            RETURNING version
        ), inserted AS (
            INSERT INTO orleansstorage (grainidhash, graintypehash, serviceid, graintype, grainidn0, grainidn1, grainidextension, payloadbinary, version)
            SELECT @GrainIdHash, @GrainTypeHash, @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, coalesce(@GrainIdExtensionString, ''), @PayloadBinary, 1
            WHERE @GrainStateVersion IS NULL
            ON CONFLICT DO NOTHING
            RETURNING version
        )
        SELECT (SELECT version FROM updated UNION ALL SELECT version FROM inserted LIMIT 1) AS "NewGrainStateVersion"
        """;

    // A clear keeps the row with no payload and a new version, so a writer holding the old ETag still conflicts.
    private const string ClearQuery = $"""
        WITH cleared AS (
            UPDATE orleansstorage
            SET payloadbinary = NULL, version = version + 1, modifiedon = now()
            WHERE version = @GrainStateVersion
              AND {ThisState}
            RETURNING version
        )
        SELECT (SELECT version FROM cleared) AS "NewGrainStateVersion"
        """;

    /// <summary>Creates the tables and the provider's queries in the database of <paramref name="connectionString"/>.</summary>
    public static async Task CreateAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand(CreateTables, connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        foreach (var (key, text) in new[] { ("ReadFromStorageKey", ReadQuery), ("WriteToStorageKey", WriteQuery), ("ClearStorageKey", ClearQuery) })
        {
            await using var insert = new NpgsqlCommand(
                "INSERT INTO orleansquery (querykey, querytext) VALUES (@key, @text) ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext",
                connection);
            insert.Parameters.AddWithValue("key", key);
            insert.Parameters.AddWithValue("text", text);
            await insert.ExecuteNonQueryAsync();
        }
    }

    /// <summary>The stored version and whether a payload is stored, of the state whose string key is <paramref name="key"/>; null when there is no row.</summary>
    public static async Task<(int Version, bool HasPayload)?> ReadRowAsync(string connectionString, string key)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version, payloadbinary IS NOT NULL FROM orleansstorage WHERE grainidextension = @key", connection);
        command.Parameters.AddWithValue("key", key);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetInt32(0), reader.GetBoolean(1)) : null;
    }

    /// <summary>Bumps the stored version of the state keyed <paramref name="key"/> behind its grain's back (the conflict check).</summary>
    public static async Task BumpVersionAsync(string connectionString, string key)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("UPDATE orleansstorage SET version = version + 1 WHERE grainidextension = @key", connection);
        command.Parameters.AddWithValue("key", key);
        await command.ExecuteNonQueryAsync();
    }
}
