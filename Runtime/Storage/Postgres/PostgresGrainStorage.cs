using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using OrleansConsistency.Runtime.Storage.GroupCommit;

namespace OrleansConsistency.Runtime.Storage.Postgres;

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

    public Task<string> WriteAsync(GrainStateWrite write, CancellationToken cancellationToken = default) =>
        _committer.WriteAsync(write, cancellationToken);

    public Task<StoredGrainState?> ReadAsync(string grainType, string grainId, CancellationToken cancellationToken = default) =>
        QueryAsync(PostgresSql.ReadState, [Text(grainType), Text(grainId)], static async (reader, ct) =>
            await reader.ReadAsync(ct).ConfigureAwait(false)
                ? new StoredGrainState(
                    reader.GetInt64(0).ToString(CultureInfo.InvariantCulture),
                    reader.IsDBNull(1) ? null : reader.GetInt64(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2))
                : null,
            cancellationToken);

    public Task<IntentRecord?> FindAsync(string resourceId, string idempotencyKey, CancellationToken cancellationToken = default) =>
        QueryAsync(PostgresSql.FindIntent, [Text(resourceId), Text(idempotencyKey)], static async (reader, ct) =>
            await reader.ReadAsync(ct).ConfigureAwait(false)
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
            // Each chunk is its own short transaction, so the purge never holds many row locks for long.
            var chunk = Math.Min(maxRows - deleted, PurgeChunkSize);
            var count = await ExecuteAsync(
                PostgresSql.PurgeIntents,
                [Bigint(nowMs), PostgresWriteStatement.Value(chunk, NpgsqlDbType.Integer)],
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
        QueryAsync(
            PostgresSql.ReadStream,
            [Text(streamNamespace), Text(streamKey), Bigint(fromVersionInclusive), PostgresWriteStatement.Value(maxCount, NpgsqlDbType.Integer)],
            ReadEventsAsync,
            cancellationToken);

    public Task<long?> GetOldestVersionAsync(string streamNamespace, string streamKey, CancellationToken cancellationToken = default) =>
        QueryAsync(PostgresSql.OldestVersion, [Text(streamNamespace), Text(streamKey)], static async (reader, ct) =>
            await reader.ReadAsync(ct).ConfigureAwait(false) && !reader.IsDBNull(0) ? reader.GetInt64(0) : (long?)null,
            cancellationToken);

    public Task<IReadOnlyList<EventRecord>> ReadNamespaceAsync(
        string streamNamespace, long afterSequence, int maxCount, CancellationToken cancellationToken = default) =>
        QueryAsync(
            PostgresSql.ReadNamespace,
            [Text(streamNamespace), Bigint(afterSequence), PostgresWriteStatement.Value(maxCount, NpgsqlDbType.Integer)],
            ReadEventsAsync,
            cancellationToken);

    public Task<long?> GetAsync(string consumer, string resourceId, CancellationToken cancellationToken = default) =>
        QueryAsync(PostgresSql.GetCheckpoint, [Text(consumer), Text(resourceId)], static async (reader, ct) =>
            await reader.ReadAsync(ct).ConfigureAwait(false) ? reader.GetInt64(0) : (long?)null,
            cancellationToken);

    public async Task<long> SetAsync(string consumer, string resourceId, long version, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var moved = await ExecuteAsync(
            PostgresSql.SetCheckpoint,
            [Text(consumer), Text(resourceId), Bigint(version), Bigint(now)],
            static async (command, ct) => await command.ExecuteScalarAsync(ct).ConfigureAwait(false) as long?,
            cancellationToken).ConfigureAwait(false);

        // No row returned: the stored checkpoint is already at or past the version. Checkpoints only grow, so reading
        // it afterwards gives a value that is at least as high.
        return moved ?? await GetAsync(consumer, resourceId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Checkpoint of {consumer} for {resourceId} vanished.");
    }

    public async ValueTask DisposeAsync()
    {
        await _committer.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<EventRecord>> ReadEventsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var events = new List<EventRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
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
}
