using Npgsql;
using NpgsqlTypes;

namespace OrleansConsistency.Storage.Postgres;

/// <summary>Builds the batched command of one grain write (see <see cref="PostgresSql.Write"/>).</summary>
internal static class PostgresWriteStatement
{
    public static NpgsqlBatchCommand Create(GrainStateWrite write, long? expectedEtag, long now)
    {
        var intents = write.Records.Intents;
        var events = write.Records.Events;
        var command = new NpgsqlBatchCommand(PostgresSql.Write(expectedEtag is not null, intents.Count > 0, events.Count > 0));
        var parameters = command.Parameters;
        parameters.Add(Value(write.GrainType, NpgsqlDbType.Text));
        parameters.Add(Value(write.GrainId, NpgsqlDbType.Text));
        parameters.Add(Value(write.Version, NpgsqlDbType.Bigint));
        parameters.Add(Value(write.Payload, NpgsqlDbType.Text));
        parameters.Add(Value(now, NpgsqlDbType.Bigint));
        if (expectedEtag is not null)
        {
            parameters.Add(Value(expectedEtag, NpgsqlDbType.Bigint));
        }

        if (intents.Count > 0)
        {
            parameters.Add(PostgresBatchWriteStatement.TextArray(intents.Select(i => i.ResourceId)));
            parameters.Add(PostgresBatchWriteStatement.TextArray(intents.Select(i => i.IdempotencyKey)));
            parameters.Add(PostgresBatchWriteStatement.TextArray(intents.Select(i => i.Fingerprint)));
            parameters.Add(PostgresBatchWriteStatement.BigintArray(intents.Select(i => i.Version)));
            parameters.Add(PostgresBatchWriteStatement.TextArray(intents.Select(i => i.Outcome)));
            parameters.Add(PostgresBatchWriteStatement.BigintArray(intents.Select(i => (long?)i.CreatedAt.ToUnixTimeMilliseconds())));
            parameters.Add(PostgresBatchWriteStatement.BigintArray(intents.Select(i => (long?)i.ExpiresAt.ToUnixTimeMilliseconds())));
        }

        if (events.Count > 0)
        {
            parameters.Add(PostgresBatchWriteStatement.TextArray(events.Select(e => e.StreamNamespace)));
            parameters.Add(PostgresBatchWriteStatement.TextArray(events.Select(e => e.StreamKey)));
            parameters.Add(PostgresBatchWriteStatement.BigintArray(events.Select(e => (long?)e.Version)));
            parameters.Add(PostgresBatchWriteStatement.TextArray(events.Select(e => e.Type)));
            parameters.Add(PostgresBatchWriteStatement.TextArray(events.Select(e => e.IntentKey)));
            parameters.Add(PostgresBatchWriteStatement.TextArray(events.Select(e => e.CorrelationId)));
            parameters.Add(PostgresBatchWriteStatement.TextArray(events.Select(e => e.Payload)));
            parameters.Add(PostgresBatchWriteStatement.BigintArray(events.Select(e => (long?)e.CreatedAt.ToUnixTimeMilliseconds())));
            parameters.Add(PostgresBatchWriteStatement.NullableIntArray(events.Select(e => e.Queue)));
        }

        return command;
    }

    public static NpgsqlParameter Value(object? value, NpgsqlDbType type) =>
        new() { NpgsqlDbType = type, Value = value ?? DBNull.Value };
}
