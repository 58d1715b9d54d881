using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using OrleansConsistency.Storage.GroupCommit;

namespace OrleansConsistency.Storage.Postgres;

/// <summary>The batched commands of a consumer's progress write, and how to read their answer.</summary>
internal static class PostgresProgressStatement
{
    /// <summary>Adds the progress write's commands to the batch: one, or two for a projection row with its checkpoint.</summary>
    public static void AddTo(NpgsqlBatch batch, ProgressWrite progress, long now)
    {
        switch (progress)
        {
            case CheckpointAdvance advance:
                batch.BatchCommands.Add(Advance(advance.Checkpoint, now));
                break;
            case ProjectionUpsert upsert:
                batch.BatchCommands.Add(Upsert(upsert.Row));
                if (upsert.Checkpoint is { } checkpoint)
                {
                    batch.BatchCommands.Add(Advance(checkpoint, now));
                }

                break;
            case QueueCheckpointAdvance queue:
                batch.BatchCommands.Add(AdvanceQueue(queue, now));
                break;
            default:
                throw new InvalidOperationException($"Unknown progress write {progress.GetType().Name}.");
        }
    }

    /// <summary>
    /// Reads the answer of the commands <see cref="AddTo"/> added: the checkpoint after the write (a consumer's or a
    /// stream queue's), or 1/0 for a projection row written or not.
    /// </summary>
    public static async Task<string> ReadResultAsync(ProgressWrite progress, ResultSets results, NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        await results.NextAsync(cancellationToken).ConfigureAwait(false);
        var hasRow = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        switch (progress)
        {
            case CheckpointAdvance advance:
                return ReadCheckpoint(advance.Checkpoint, reader, hasRow);
            case QueueCheckpointAdvance queue:
                return hasRow
                    ? reader.GetInt64(0).ToString(CultureInfo.InvariantCulture)
                    : throw new InvalidOperationException($"Checkpoint of {queue.Provider} for queue {queue.Queue} vanished.");
            case ProjectionUpsert { Checkpoint: { } advance }:
                await results.NextAsync(cancellationToken).ConfigureAwait(false);
                return ReadCheckpoint(advance, reader, await reader.ReadAsync(cancellationToken).ConfigureAwait(false));
            default:
                return hasRow ? "1" : "0";
        }
    }

    private static NpgsqlBatchCommand Advance(ConsumerCheckpoint advance, long now)
    {
        var checkpoint = new NpgsqlBatchCommand(PostgresSql.AdvanceCheckpoint);
        checkpoint.Parameters.Add(PostgresWriteStatement.Value(advance.Consumer, NpgsqlDbType.Text));
        checkpoint.Parameters.Add(PostgresWriteStatement.Value(advance.ResourceId, NpgsqlDbType.Text));
        checkpoint.Parameters.Add(PostgresWriteStatement.Value(advance.Version, NpgsqlDbType.Bigint));
        checkpoint.Parameters.Add(PostgresWriteStatement.Value(now, NpgsqlDbType.Bigint));
        return checkpoint;
    }

    private static NpgsqlBatchCommand AdvanceQueue(QueueCheckpointAdvance advance, long now)
    {
        var checkpoint = new NpgsqlBatchCommand(PostgresSql.SetQueueCheckpoint);
        checkpoint.Parameters.Add(PostgresWriteStatement.Value(advance.Provider, NpgsqlDbType.Text));
        checkpoint.Parameters.Add(PostgresWriteStatement.Value(advance.Queue, NpgsqlDbType.Integer));
        checkpoint.Parameters.Add(PostgresWriteStatement.Value(advance.Sequence, NpgsqlDbType.Bigint));
        checkpoint.Parameters.Add(PostgresWriteStatement.Value(now, NpgsqlDbType.Bigint));
        return checkpoint;
    }

    private static NpgsqlBatchCommand Upsert(ProjectionRow row)
    {
        var projection = new NpgsqlBatchCommand(PostgresSql.UpsertProjectionReturning);
        projection.Parameters.Add(PostgresWriteStatement.Value(row.Projection, NpgsqlDbType.Text));
        projection.Parameters.Add(PostgresWriteStatement.Value(row.Partition, NpgsqlDbType.Text));
        projection.Parameters.Add(PostgresWriteStatement.Value(row.Key, NpgsqlDbType.Text));
        projection.Parameters.Add(PostgresWriteStatement.Value(row.Version, NpgsqlDbType.Bigint));
        projection.Parameters.Add(PostgresWriteStatement.Value(row.Deleted, NpgsqlDbType.Boolean));
        projection.Parameters.Add(PostgresWriteStatement.Value(row.Payload, NpgsqlDbType.Text));
        projection.Parameters.Add(PostgresWriteStatement.Value(row.AppliedAt.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint));
        projection.Parameters.Add(PostgresWriteStatement.Value(row.ProjectedAt.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint));
        return projection;
    }

    private static string ReadCheckpoint(ConsumerCheckpoint advance, NpgsqlDataReader reader, bool hasRow) => hasRow
        ? reader.GetInt64(0).ToString(CultureInfo.InvariantCulture)
        : throw new InvalidOperationException($"Checkpoint of {advance.Consumer} for {advance.ResourceId} vanished.");
}
