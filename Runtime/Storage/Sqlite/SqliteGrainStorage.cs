using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using OrleansConsistency.Runtime.Storage.GroupCommit;

namespace OrleansConsistency.Runtime.Storage.Sqlite;

/// <summary>
/// The embedded SQLite provider: group-committed writes through one writer connection, reads on pooled
/// connections (WAL mode lets them run beside the writer).
/// </summary>
internal sealed class SqliteGrainStorage : IStorageBackend
{
    private const int PurgeChunkSize = 1000;

    private readonly string _readConnectionString;
    private readonly SqliteWriter _writer;
    private readonly GroupCommitter _committer;
    private readonly TimeProvider _time;

    public SqliteGrainStorage(StorageOptions options, StorageFaultInjector faults, TimeProvider time, ILoggerFactory loggerFactory)
    {
        var configured = options.EffectiveConnectionString;
        SqliteConnectionStrings.EnsureDirectory(configured);
        _readConnectionString = SqliteConnectionStrings.Pooled(configured);
        _time = time;
        _writer = new SqliteWriter(configured, options.SqliteSynchronous);
        _committer = new GroupCommitter(_writer, options, faults, time, loggerFactory.CreateLogger<SqliteGrainStorage>());
    }

    public string Name => StorageOptions.SqliteProvider;

    public GroupCommitStatistics Statistics => _committer.Statistics;

    public Task<string> WriteAsync(GrainStateWrite write, CancellationToken cancellationToken = default) =>
        _committer.WriteAsync(write, cancellationToken);

    public Task<StoredGrainState?> ReadAsync(string grainType, string grainId, CancellationToken cancellationToken = default) =>
        QueryAsync(SqliteSql.ReadState, [("$grain_type", grainType), ("$grain_id", grainId)], static reader =>
            reader.Read()
                ? new StoredGrainState(
                    reader.GetInt64(0).ToString(CultureInfo.InvariantCulture),
                    reader.IsDBNull(1) ? null : reader.GetInt64(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2))
                : null,
            cancellationToken);

    public Task<IntentRecord?> FindAsync(string resourceId, string idempotencyKey, CancellationToken cancellationToken = default) =>
        QueryAsync(SqliteSql.FindIntent, [("$resource_id", resourceId), ("$idempotency_key", idempotencyKey)], static reader =>
            reader.Read()
                ? new IntentRecord(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetInt64(3),
                    reader.GetString(4),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)))
                : null,
            cancellationToken);

    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, int maxRows, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRows);
        var nowMs = now.ToUnixTimeMilliseconds();
        var deleted = 0;
        while (deleted < maxRows)
        {
            // Each chunk is its own short write transaction, so group commits wait at most one chunk.
            var chunk = Math.Min(maxRows - deleted, PurgeChunkSize);
            var count = await ExclusiveAsync(
                connection =>
                {
                    using var command = connection.CreateCommand();
                    command.CommandText = SqliteSql.PurgeIntents;
                    command.Parameters.AddWithValue("$now", nowMs);
                    command.Parameters.AddWithValue("$limit", chunk);
                    return command.ExecuteNonQuery();
                },
                cancellationToken).ConfigureAwait(false);
            deleted += count;
            if (count < chunk)
            {
                break;
            }
        }

        return deleted;
    }

    public Task<IReadOnlyList<EventRecord>> ReadStreamAsync(
        string streamNamespace, string streamKey, long fromVersionInclusive, int maxCount, CancellationToken cancellationToken = default) =>
        QueryAsync(
            SqliteSql.ReadStream,
            [("$stream_namespace", streamNamespace), ("$stream_key", streamKey), ("$from_version", fromVersionInclusive), ("$limit", maxCount)],
            ReadEvents,
            cancellationToken);

    public Task<long?> GetOldestVersionAsync(string streamNamespace, string streamKey, CancellationToken cancellationToken = default) =>
        QueryAsync(SqliteSql.OldestVersion, [("$stream_namespace", streamNamespace), ("$stream_key", streamKey)], static reader =>
            reader.Read() && !reader.IsDBNull(0) ? reader.GetInt64(0) : (long?)null,
            cancellationToken);

    public Task<IReadOnlyList<EventRecord>> ReadNamespaceAsync(
        string streamNamespace, long afterSequence, int maxCount, CancellationToken cancellationToken = default) =>
        QueryAsync(
            SqliteSql.ReadNamespace,
            [("$stream_namespace", streamNamespace), ("$after_seq", afterSequence), ("$limit", maxCount)],
            ReadEvents,
            cancellationToken);

    public Task<long?> GetAsync(string consumer, string resourceId, CancellationToken cancellationToken = default) =>
        QueryAsync(SqliteSql.GetCheckpoint, [("$consumer", consumer), ("$resource_id", resourceId)], static reader =>
            reader.Read() ? reader.GetInt64(0) : (long?)null,
            cancellationToken);

    public Task<long> SetAsync(string consumer, string resourceId, long version, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return ExclusiveAsync(
            connection =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = SqliteSql.SetCheckpoint;
                command.Parameters.AddWithValue("$consumer", consumer);
                command.Parameters.AddWithValue("$resource_id", resourceId);
                command.Parameters.AddWithValue("$version", version);
                command.Parameters.AddWithValue("$updated_at", now);
                if (command.ExecuteScalar() is long moved)
                {
                    return moved;
                }

                // The stored checkpoint is ahead; the writer holds the file's write lock, so it cannot change meanwhile.
                command.CommandText = SqliteSql.GetCheckpoint;
                return (long)command.ExecuteScalar()!;
            },
            cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _committer.DisposeAsync().ConfigureAwait(false);
        _writer.Dispose();

        // Pooled read connections keep the file open; release them so the file can be moved or deleted.
        using var connection = new SqliteConnection(_readConnectionString);
        SqliteConnection.ClearPool(connection);
    }

    private static IReadOnlyList<EventRecord> ReadEvents(SqliteDataReader reader)
    {
        var events = new List<EventRecord>();
        while (reader.Read())
        {
            events.Add(new EventRecord(
                reader.GetString(1),
                reader.GetString(2),
                reader.GetInt64(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.GetString(7),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)))
            {
                Sequence = reader.GetInt64(0),
            });
        }

        return events;
    }

    private async Task<T> QueryAsync<T>(
        string sql, (string Name, object Value)[] parameters, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        try
        {
            var connection = new SqliteConnection(_readConnectionString);
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                using var command = connection.CreateCommand();
                command.CommandText = sql;
                foreach (var (name, value) in parameters)
                {
                    command.Parameters.AddWithValue(name, value);
                }

                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return read(reader);
                }
            }
        }
        catch (SqliteException exception)
        {
            throw StorageErrors.ReadFailed(Name, exception);
        }
    }

    private async Task<T> ExclusiveAsync<T>(Func<SqliteConnection, T> action, CancellationToken cancellationToken)
    {
        try
        {
            return await _writer.RunExclusiveAsync(action, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException exception)
        {
            throw new StorageUnavailableException($"The sqlite storage could not be written: {exception.Message}", exception);
        }
    }
}
