using System.Data.Common;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using OrleansConsistency.Storage.GroupCommit;

namespace OrleansConsistency.Storage.Postgres;

/// <summary>
/// The PostgreSQL provider: group-committed writes (one batch and one COMMIT per group), reads on the pooled
/// <see cref="NpgsqlDataSource"/>.
/// </summary>
internal sealed class PostgresGrainStorage : IStorageBackend
{
    private const int PurgeChunkSize = 1000;

    private readonly NpgsqlDataSource _dataSource;
    private readonly GroupCommitter _committer;
    private readonly TimeProvider _time;

    public PostgresGrainStorage(StorageOptions options, StorageFaultInjector faults, TimeProvider time, ILoggerFactory loggerFactory)
    {
        var builder = new NpgsqlDataSourceBuilder(PostgresConnectionStrings.WithDefaults(options.EffectiveConnectionString));
        builder.UseLoggerFactory(loggerFactory);
        _dataSource = builder.Build();
        _time = time;
        _committer = new GroupCommitter(
            new PostgresWriteExecutor(_dataSource), options, faults, time, loggerFactory.CreateLogger<PostgresGrainStorage>());
    }

    public string Name => StorageOptions.PostgresProvider;

    public GroupCommitStatistics Statistics => _committer.Statistics;

    public StorageHealth Health => _committer.Health;

    public Task<string> WriteAsync(GrainStateWrite write, CancellationToken cancellationToken = default) =>
        _committer.WriteAsync(write, cancellationToken);

    public Task<StoredGrainState?> ReadAsync(string grainType, string grainId, CancellationToken cancellationToken = default) =>
        QuerySingleAsync(PostgresSql.ReadState, [Text(grainType), Text(grainId)], StorageRows.State, cancellationToken);

    public Task<IntentRecord?> FindAsync(string resourceId, string idempotencyKey, CancellationToken cancellationToken = default) =>
        QuerySingleAsync(PostgresSql.FindIntent, [Text(resourceId), Text(idempotencyKey)], StorageRows.Intent, cancellationToken);

    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, int maxRows, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRows);
        var nowMs = now.ToUnixTimeMilliseconds();
        var deleted = 0;
        while (deleted < maxRows)
        {
            // Each chunk is its own short transaction, so the purge never holds many row locks for long.
            var chunk = Math.Min(maxRows - deleted, PurgeChunkSize);
            var count = await ExecuteAsync(
                PostgresSql.PurgeIntents,
                [Bigint(nowMs), Integer(chunk)],
                static (command, ct) => command.ExecuteNonQueryAsync(ct),
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
            PostgresSql.ReadStream,
            [Text(streamNamespace), Text(streamKey), Bigint(fromVersionInclusive), Integer(maxCount)],
            StorageRows.Event,
            cancellationToken);

    public Task<long?> GetOldestVersionAsync(string streamNamespace, string streamKey, CancellationToken cancellationToken = default) =>
        QueryAsync(PostgresSql.OldestVersion, [Text(streamNamespace), Text(streamKey)], static async (reader, ct) =>
            await reader.ReadAsync(ct).ConfigureAwait(false) && !reader.IsDBNull(0) ? reader.GetInt64(0) : (long?)null,
            cancellationToken);

    public Task<IReadOnlyList<EventRecord>> ReadNamespaceAsync(
        string streamNamespace, long afterSequence, int maxCount, CancellationToken cancellationToken = default) =>
        QueryListAsync(
            PostgresSql.ReadNamespace,
            [Text(streamNamespace), Bigint(afterSequence), Integer(maxCount)],
            StorageRows.Event,
            cancellationToken);

    public Task<IReadOnlyList<EventRecord>> ReadQueueAsync(int queue, long afterSequence, int maxCount, CancellationToken cancellationToken = default) =>
        QueryListAsync(PostgresSql.ReadQueue, [Integer(queue), Bigint(afterSequence), Integer(maxCount)], StorageRows.Event, cancellationToken);

    public Task<long> ReadLastSequenceAsync(CancellationToken cancellationToken = default) =>
        QueryAsync(PostgresSql.LastSequence, [], static async (reader, ct) =>
            await reader.ReadAsync(ct).ConfigureAwait(false) ? reader.GetInt64(0) : 0L,
            cancellationToken);

    public Task<long?> GetQueueCheckpointAsync(string provider, int queue, CancellationToken cancellationToken = default) =>
        QueryAsync(PostgresSql.GetQueueCheckpoint, [Text(provider), Integer(queue)], static async (reader, ct) =>
            await reader.ReadAsync(ct).ConfigureAwait(false) ? reader.GetInt64(0) : (long?)null,
            cancellationToken);

    public Task SetQueueCheckpointAsync(string provider, int queue, long sequence, CancellationToken cancellationToken = default) =>
        _committer.WriteProgressAsync(new QueueCheckpointAdvance(provider, queue, sequence), cancellationToken);

    public Task<long?> GetAsync(string consumer, string resourceId, CancellationToken cancellationToken = default) =>
        QueryAsync(PostgresSql.GetCheckpoint, [Text(consumer), Text(resourceId)], static async (reader, ct) =>
            await reader.ReadAsync(ct).ConfigureAwait(false) ? reader.GetInt64(0) : (long?)null,
            cancellationToken);

    public Task<long> SetAsync(string consumer, string resourceId, long version, CancellationToken cancellationToken = default) =>
        _committer.WriteProgressAsync(new CheckpointAdvance(new ConsumerCheckpoint(consumer, resourceId, version)), cancellationToken);

    public Task<IReadOnlyList<ConsumerBacklogItem>> ListBehindAsync(
        string consumer, string grainType, string resourceIdPrefix, int limit, CancellationToken cancellationToken = default)
    {
        var upper = KeyPrefix.UpperBound(resourceIdPrefix);
        NpgsqlParameter[] parameters = upper is null
            ? [Text(consumer), Text(grainType), Text(resourceIdPrefix), Integer(limit)]
            : [Text(consumer), Text(grainType), Text(resourceIdPrefix), Integer(limit), Text(upper)];
        return QueryListAsync(
            upper is null ? PostgresSql.ListBehind : PostgresSql.ListBehindBelow, parameters, StorageRows.BacklogItem, cancellationToken);
    }

    public Task RecordFailureAsync(ConsumerFailure failure, CancellationToken cancellationToken = default) =>
        ExecuteAsync(
            PostgresSql.RecordFailure,
            [
                Text(failure.Consumer), Text(failure.ResourceId), Bigint(failure.Version), Text(failure.Reason), Integer(failure.Attempts),
                Bigint(failure.FailedAt.ToUnixTimeMilliseconds()),
            ],
            static (command, ct) => command.ExecuteNonQueryAsync(ct),
            cancellationToken);

    public async Task<bool> RemoveFailureAsync(string consumer, string resourceId, long version, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(
            PostgresSql.RemoveFailure,
            [Text(consumer), Text(resourceId), Bigint(version)],
            static (command, ct) => command.ExecuteNonQueryAsync(ct),
            cancellationToken).ConfigureAwait(false) > 0;

    public Task<IReadOnlyList<ConsumerFailure>> ListFailuresAsync(string resourceId, CancellationToken cancellationToken = default) =>
        QueryListAsync(PostgresSql.ListFailures, [Text(resourceId)], StorageRows.Failure, cancellationToken);

    public Task<IReadOnlyList<ConsumerFailure>> ListFailuresByConsumerAsync(string consumer, string? resourceId, CancellationToken cancellationToken = default) =>
        resourceId is null
            ? QueryListAsync(PostgresSql.ListConsumerFailures, [Text(consumer)], StorageRows.Failure, cancellationToken)
            : QueryListAsync(PostgresSql.ListConsumerFailuresOfResource, [Text(consumer), Text(resourceId)], StorageRows.Failure, cancellationToken);

    public async Task<bool> UpsertAsync(ProjectionRow row, CancellationToken cancellationToken = default) =>
        await _committer.WriteProgressAsync(new ProjectionUpsert(row), cancellationToken).ConfigureAwait(false) > 0;

    public Task<long> UpsertAsync(ProjectionRow row, ConsumerCheckpoint checkpoint, CancellationToken cancellationToken = default) =>
        _committer.WriteProgressAsync(new ProjectionUpsert(row, checkpoint), cancellationToken);

    public Task<ProjectionRow?> GetAsync(string projection, string partition, string key, CancellationToken cancellationToken = default) =>
        QuerySingleAsync(PostgresSql.GetProjection, [Text(projection), Text(partition), Text(key)], StorageRows.Projection, cancellationToken);

    public Task<IReadOnlyList<ProjectionRow>> ListAsync(
        string projection, string partition, string? afterKey, int limit, bool includeDeleted, CancellationToken cancellationToken = default)
    {
        NpgsqlParameter[] parameters = afterKey is null
            ? [Text(projection), Text(partition), Boolean(includeDeleted), Integer(limit)]
            : [Text(projection), Text(partition), Boolean(includeDeleted), Integer(limit), Text(afterKey)];
        return QueryListAsync(
            afterKey is null ? PostgresSql.ListProjections : PostgresSql.ListProjectionsAfter, parameters, StorageRows.Projection, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _committer.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private Task<T?> QuerySingleAsync<T>(string sql, NpgsqlParameter[] parameters, Func<DbDataReader, T> map, CancellationToken cancellationToken)
        where T : class =>
        QueryAsync(sql, parameters, async (reader, ct) => await reader.ReadAsync(ct).ConfigureAwait(false) ? map(reader) : null, cancellationToken);

    private Task<IReadOnlyList<T>> QueryListAsync<T>(
        string sql, NpgsqlParameter[] parameters, Func<DbDataReader, T> map, CancellationToken cancellationToken) =>
        QueryAsync<IReadOnlyList<T>>(
            sql,
            parameters,
            async (reader, ct) =>
            {
                var rows = new List<T>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    rows.Add(map(reader));
                }

                return rows;
            },
            cancellationToken);

    private Task<T> QueryAsync<T>(
        string sql, NpgsqlParameter[] parameters, Func<NpgsqlDataReader, CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        ExecuteAsync(
            sql,
            parameters,
            async (command, ct) =>
            {
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await read(reader, ct).ConfigureAwait(false);
                }
            },
            cancellationToken);

    private async Task<T> ExecuteAsync<T>(
        string sql, NpgsqlParameter[] parameters, Func<NpgsqlCommand, CancellationToken, Task<T>> execute, CancellationToken cancellationToken)
    {
        try
        {
            // A data-source command takes a pooled connection for its execution only.
            var command = _dataSource.CreateCommand(sql);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddRange(parameters);
                return await execute(command, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (DbException exception) when (exception is not PostgresException || !IsProgrammingError((PostgresException)exception))
        {
            throw StorageErrors.ReadFailed(Name, exception);
        }
    }

    // Syntax and undefined-object errors (class 42, e.g. migrations not run) are bugs, not outages: let them surface.
    private static bool IsProgrammingError(PostgresException exception) => exception.SqlState.StartsWith("42", StringComparison.Ordinal);

    private static NpgsqlParameter Text(string value) => PostgresWriteStatement.Value(value, NpgsqlDbType.Text);

    private static NpgsqlParameter Bigint(long value) => PostgresWriteStatement.Value(value, NpgsqlDbType.Bigint);

    private static NpgsqlParameter Integer(int value) => PostgresWriteStatement.Value(value, NpgsqlDbType.Integer);

    private static NpgsqlParameter Boolean(bool value) => PostgresWriteStatement.Value(value, NpgsqlDbType.Boolean);
}
