using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using OrleansConsistency.Runtime.Storage.GroupCommit;

namespace OrleansConsistency.Runtime.Storage.Postgres;

/// <summary>The batched command of a consumer's progress row, and how to read its answer.</summary>
internal static class PostgresProgressStatement
{
    public static NpgsqlBatchCommand Create(ProgressWrite progress, long now)
    {
        switch (progress)
        {
            case CheckpointAdvance advance:
                var checkpoint = new NpgsqlBatchCommand(PostgresSql.AdvanceCheckpoint);
                checkpoint.Parameters.Add(PostgresWriteStatement.Value(advance.Consumer, NpgsqlDbType.Text));
                checkpoint.Parameters.Add(PostgresWriteStatement.Value(advance.ResourceId, NpgsqlDbType.Text));
                checkpoint.Parameters.Add(PostgresWriteStatement.Value(advance.Version, NpgsqlDbType.Bigint));
                checkpoint.Parameters.Add(PostgresWriteStatement.Value(now, NpgsqlDbType.Bigint));
                return checkpoint;
            case ProjectionUpsert { Row: var row }:
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
            default:
                throw new InvalidOperationException($"Unknown progress write {progress.GetType().Name}.");
        }
    }

    /// <summary>The checkpoint after the write, or 1/0 for a projection row written or not.</summary>
    public static async Task<string> ReadResultAsync(ProgressWrite progress, NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var hasRow = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return progress switch
        {
            CheckpointAdvance advance => hasRow
                ? reader.GetInt64(0).ToString(CultureInfo.InvariantCulture)
                : throw new InvalidOperationException($"Checkpoint of {advance.Consumer} for {advance.ResourceId} vanished."),
            _ => hasRow ? "1" : "0",
        };
    }
}
