using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using OrleansConsistency.Storage.GroupCommit;

namespace OrleansConsistency.Storage.Sqlite;

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
        // Without group commit (a comparison mode) every write keeps its own fsync inside its COMMIT: the WAL syncer
        // would share one fsync among concurrent transactions, which is group commit by another name.
        _writer = new SqliteWriter(configured, options.SqliteSynchronous, syncBesideLoop: options.GroupCommit);
        _committer = new GroupCommitter(_writer, options, faults, time, loggerFactory.CreateLogger<SqliteGrainStorage>());
    }

    public string Name => StorageOptions.SqliteProvider;

    public GroupCommitStatistics Statistics => _committer.Statistics;

    public StorageHealth Health => _committer.Health;

    public Task<string> WriteAsync(GrainStateWrite write, CancellationToken cancellationToken = default) =>
        _committer.WriteAsync(write, cancellationToken);

    public Task<StoredGrainState?> ReadAsync(string grainType, string grainId, CancellationToken cancellationToken = default) =>
        QuerySingleAsync(SqliteSql.ReadState, [("$grain_type", grainType), ("$grain_id", grainId)], StorageRows.State, cancellationToken);

    public Task<IntentRecord?> FindAsync(string resourceId, string idempotencyKey, CancellationToken cancellationToken = default) =>
        QuerySingleAsync(
            SqliteSql.FindIntent, [("$resource_id", resourceId), ("$idempotency_key", idempotencyKey)], StorageRows.Intent, cancellationToken);

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
        QueryListAsync(
            SqliteSql.ReadStream,
            [("$stream_namespace", streamNamespace), ("$stream_key", streamKey), ("$from_version", fromVersionInclusive), ("$limit", maxCount)],
            StorageRows.Event,
            cancellationToken);

    public Task<long?> GetOldestVersionAsync(string streamNamespace, string streamKey, CancellationToken cancellationToken = default) =>
        QueryAsync(SqliteSql.OldestVersion, [("$stream_namespace", streamNamespace), ("$stream_key", streamKey)], static reader =>
            reader.Read() && !reader.IsDBNull(0) ? reader.GetInt64(0) : (long?)null,
            cancellationToken);

    public Task<IReadOnlyList<EventRecord>> ReadNamespaceAsync(
        string streamNamespace, long afterSequence, int maxCount, CancellationToken cancellationToken = default) =>
        QueryListAsync(
            SqliteSql.ReadNamespace,
            [("$stream_namespace", streamNamespace), ("$after_seq", afterSequence), ("$limit", maxCount)],
            StorageRows.Event,
            cancellationToken);

    public Task<IReadOnlyList<EventRecord>> ReadQueueAsync(int queue, long afterSequence, int maxCount, CancellationToken cancellationToken = default) =>
        QueryListAsync(
            SqliteSql.ReadQueue,
            [("$queue_id", queue), ("$after_seq", afterSequence), ("$limit", maxCount)],
            StorageRows.Event,
            cancellationToken);

    public Task<long> ReadLastSequenceAsync(CancellationToken cancellationToken = default) =>
        QueryAsync(SqliteSql.LastSequence, [], static reader => reader.Read() ? reader.GetInt64(0) : 0L, cancellationToken);

    public Task<long?> GetQueueCheckpointAsync(string provider, int queue, CancellationToken cancellationToken = default) =>
        QueryAsync(SqliteSql.GetQueueCheckpoint, [("$provider", provider), ("$queue_id", queue)], static reader =>
            reader.Read() ? reader.GetInt64(0) : (long?)null,
            cancellationToken);

    public Task SetQueueCheckpointAsync(string provider, int queue, long sequence, CancellationToken cancellationToken = default) =>
        _committer.WriteProgressAsync(new QueueCheckpointAdvance(provider, queue, sequence), cancellationToken);

    public Task<long?> GetAsync(string consumer, string resourceId, CancellationToken cancellationToken = default) =>
        QueryAsync(SqliteSql.GetCheckpoint, [("$consumer", consumer), ("$resource_id", resourceId)], static reader =>
            reader.Read() ? reader.GetInt64(0) : (long?)null,
            cancellationToken);

    public Task<long> SetAsync(string consumer, string resourceId, long version, CancellationToken cancellationToken = default) =>
        _committer.WriteProgressAsync(new CheckpointAdvance(new ConsumerCheckpoint(consumer, resourceId, version)), cancellationToken);

    public Task<IReadOnlyList<ConsumerBacklogItem>> ListBehindAsync(
        string consumer, string grainType, string resourceIdPrefix, int limit, CancellationToken cancellationToken = default)
    {
        var upper = KeyPrefix.UpperBound(resourceIdPrefix);
        (string, object?)[] parameters =
            [("$consumer", consumer), ("$grain_type", grainType), ("$prefix", resourceIdPrefix), ("$upper", upper), ("$limit", limit)];
        return QueryListAsync(
            upper is null ? SqliteSql.ListBehind : SqliteSql.ListBehindBelow, parameters, StorageRows.BacklogItem, cancellationToken);
    }

    public Task RecordFailureAsync(ConsumerFailure failure, CancellationToken cancellationToken = default) =>
        ExecuteExclusiveAsync(
            SqliteSql.RecordFailure,
            [
                ("$consumer", failure.Consumer), ("$resource_id", failure.ResourceId), ("$version", failure.Version),
                ("$reason", failure.Reason), ("$attempts", failure.Attempts), ("$failed_at", failure.FailedAt.ToUnixTimeMilliseconds()),
            ],
            cancellationToken);

    public async Task<bool> RemoveFailureAsync(string consumer, string resourceId, long version, CancellationToken cancellationToken = default) =>
        await ExecuteExclusiveAsync(
            SqliteSql.RemoveFailure, [("$consumer", consumer), ("$resource_id", resourceId), ("$version", version)], cancellationToken)
            .ConfigureAwait(false) > 0;

    public Task<IReadOnlyList<ConsumerFailure>> ListFailuresAsync(string resourceId, CancellationToken cancellationToken = default) =>
        QueryListAsync(SqliteSql.ListFailures, [("$resource_id", resourceId)], StorageRows.Failure, cancellationToken);

    public Task<IReadOnlyList<ConsumerFailure>> ListFailuresByConsumerAsync(string consumer, string? resourceId, CancellationToken cancellationToken = default) =>
        resourceId is null
            ? QueryListAsync(SqliteSql.ListConsumerFailures, [("$consumer", consumer)], StorageRows.Failure, cancellationToken)
            : QueryListAsync(
                SqliteSql.ListConsumerFailuresOfResource, [("$consumer", consumer), ("$resource_id", resourceId)], StorageRows.Failure, cancellationToken);

    public async Task<bool> UpsertAsync(ProjectionRow row, CancellationToken cancellationToken = default) =>
        await _committer.WriteProgressAsync(new ProjectionUpsert(row), cancellationToken).ConfigureAwait(false) > 0;

    public Task<long> UpsertAsync(ProjectionRow row, ConsumerCheckpoint checkpoint, CancellationToken cancellationToken = default) =>
        _committer.WriteProgressAsync(new ProjectionUpsert(row, checkpoint), cancellationToken);

    public Task<ProjectionRow?> GetAsync(string projection, string partition, string key, CancellationToken cancellationToken = default) =>
        QuerySingleAsync(
            SqliteSql.GetProjection, [("$projection", projection), ("$partition", partition), ("$item_key", key)], StorageRows.Projection, cancellationToken);

    public Task<IReadOnlyList<ProjectionRow>> ListAsync(
        string projection, string partition, string? afterKey, int limit, bool includeDeleted, CancellationToken cancellationToken = default)
    {
        (string, object?)[] parameters =
            [("$projection", projection), ("$partition", partition), ("$after_key", afterKey), ("$include_deleted", includeDeleted), ("$limit", limit)];
        return QueryListAsync(
            afterKey is null ? SqliteSql.ListProjections : SqliteSql.ListProjectionsAfter, parameters, StorageRows.Projection, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _committer.DisposeAsync().ConfigureAwait(false);
        _writer.Dispose();

        // Pooled read connections keep the file open; release them so the file can be moved or deleted.
        using var connection = new SqliteConnection(_readConnectionString);
        SqliteConnection.ClearPool(connection);
    }

    private Task<T?> QuerySingleAsync<T>(
        string sql, (string Name, object? Value)[] parameters, Func<DbDataReader, T> map, CancellationToken cancellationToken)
        where T : class =>
        QueryAsync(sql, parameters, reader => reader.Read() ? map(reader) : null, cancellationToken);

    private Task<IReadOnlyList<T>> QueryListAsync<T>(
        string sql, (string Name, object? Value)[] parameters, Func<DbDataReader, T> map, CancellationToken cancellationToken) =>
        QueryAsync<IReadOnlyList<T>>(
            sql,
            parameters,
            reader =>
            {
                var rows = new List<T>();
                while (reader.Read())
                {
                    rows.Add(map(reader));
                }

                return rows;
            },
            cancellationToken);

    private async Task<T> QueryAsync<T>(
        string sql, (string Name, object? Value)[] parameters, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        try
        {
            var connection = new SqliteConnection(_readConnectionString);
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                using var command = connection.CreateCommand();
                command.CommandText = sql;
                AddParameters(command, parameters);
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

    // Writes other than grain state go through the writer connection too: SQLite has one writer per file, and a
    // second connection would only wait for the writer's lock (or fail with SQLITE_BUSY).
    private Task<int> ExecuteExclusiveAsync(string sql, (string Name, object? Value)[] parameters, CancellationToken cancellationToken) =>
        ExclusiveAsync(
            connection =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = sql;
                AddParameters(command, parameters);
                return command.ExecuteNonQuery();
            },
            cancellationToken);

    private static void AddParameters(SqliteCommand command, (string Name, object? Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
    }

    private async Task<T> ExclusiveAsync<T>(Func<SqliteConnection, T> action, CancellationToken cancellationToken)
    {
        try
        {
            return await _writer.RunExclusiveAsync(action, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is SqliteException or IOException)
        {
            // IOException: the WAL's fsync failed after the statement ran, so whether it is durable is unknown.
            throw new StorageUnavailableException($"The sqlite storage could not be written: {exception.Message}", exception);
        }
    }
}
