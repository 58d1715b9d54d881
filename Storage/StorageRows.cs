using System.Data.Common;
using System.Globalization;

namespace OrleansConsistency.Storage;

/// <summary>
/// Builds records from query rows, for both providers. Each record has its column list here beside its mapper, and
/// both providers' SQL select exactly that list, so the ordinals below cannot drift from the queries.
/// </summary>
internal static class StorageRows
{
    public const string StateColumns = "etag, version, payload";

    public const string IntentColumns = "resource_id, idempotency_key, fingerprint, version, outcome, created_at, expires_at";

    public const string EventColumns = "seq, stream_namespace, stream_key, version, type, intent_key, correlation_id, payload, created_at, queue_id";

    public const string FailureColumns = "consumer, resource_id, version, reason, attempts, failed_at";

    public const string ProjectionColumns = "projection, partition, item_key, version, deleted, payload, applied_at, projected_at";

    public static StoredGrainState State(DbDataReader reader) =>
        new(reader.GetInt64(0).ToString(CultureInfo.InvariantCulture), NullableInt64(reader, 1), NullableString(reader, 2));

    public static IntentRecord Intent(DbDataReader reader) =>
        new(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetString(2),
            NullableInt64(reader, 3),
            reader.GetString(4),
            Timestamp(reader, 5),
            Timestamp(reader, 6));

    public static EventRecord Event(DbDataReader reader) =>
        new(
            reader.GetString(1),
            reader.GetString(2),
            reader.GetInt64(3),
            reader.GetString(4),
            NullableString(reader, 5),
            NullableString(reader, 6),
            reader.GetString(7),
            Timestamp(reader, 8))
        {
            Sequence = reader.GetInt64(0),
            Queue = NullableInt32(reader, 9),
        };

    public static ConsumerFailure Failure(DbDataReader reader) =>
        new(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetInt64(2),
            reader.GetString(3),
            reader.GetInt32(4),
            Timestamp(reader, 5));

    // SQLite has no boolean type: deleted is stored as 0/1, which its reader's GetBoolean understands.
    public static ProjectionRow Projection(DbDataReader reader) =>
        new(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetInt64(3),
            reader.GetBoolean(4),
            NullableString(reader, 5),
            Timestamp(reader, 6),
            Timestamp(reader, 7));

    /// <summary>Columns: resource id, checkpoint (0 when none), version.</summary>
    public static ConsumerBacklogItem BacklogItem(DbDataReader reader) =>
        new(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2));

    private static long? NullableInt64(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    private static int? NullableInt32(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset Timestamp(DbDataReader reader, int ordinal) => DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));
}
