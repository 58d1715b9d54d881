using Npgsql;
using NpgsqlTypes;

namespace OrleansConsistency.Storage.Postgres;

/// <summary>Builds the one command of a round of grain writes with distinct keys (see <see cref="PostgresSql.BatchWrite"/>).</summary>
internal static class PostgresBatchWriteStatement
{
    public static NpgsqlBatchCommand Create(IReadOnlyList<(GrainStateWrite Write, long? ExpectedEtag)> writes, long now)
    {
        var ordinals = Enumerable.Range(0, writes.Count).ToArray();
        var intents = writes.SelectMany((w, ordinal) => w.Write.Records.Intents.Select(intent => (ordinal, intent))).ToList();
        var events = writes.SelectMany((w, ordinal) => w.Write.Records.Events.Select(@event => (ordinal, @event))).ToList();

        var command = new NpgsqlBatchCommand(PostgresSql.BatchWrite);
        var parameters = command.Parameters;
        parameters.Add(PostgresWriteStatement.Value(now, NpgsqlDbType.Bigint));

        parameters.Add(IntArray(ordinals));
        parameters.Add(TextArray(writes.Select(w => w.Write.GrainType)));
        parameters.Add(TextArray(writes.Select(w => w.Write.GrainId)));
        parameters.Add(BigintArray(writes.Select(w => w.Write.Version)));
        parameters.Add(TextArray(writes.Select(w => w.Write.Payload)));
        parameters.Add(BigintArray(writes.Select(w => w.ExpectedEtag)));

        parameters.Add(IntArray(intents.Select(i => i.ordinal)));
        parameters.Add(TextArray(intents.Select(i => i.intent.ResourceId)));
        parameters.Add(TextArray(intents.Select(i => i.intent.IdempotencyKey)));
        parameters.Add(TextArray(intents.Select(i => i.intent.Fingerprint)));
        parameters.Add(BigintArray(intents.Select(i => i.intent.Version)));
        parameters.Add(TextArray(intents.Select(i => i.intent.Outcome)));
        parameters.Add(BigintArray(intents.Select(i => (long?)i.intent.CreatedAt.ToUnixTimeMilliseconds())));
        parameters.Add(BigintArray(intents.Select(i => (long?)i.intent.ExpiresAt.ToUnixTimeMilliseconds())));

        parameters.Add(IntArray(events.Select(e => e.ordinal)));
        parameters.Add(TextArray(events.Select(e => e.@event.StreamNamespace)));
        parameters.Add(TextArray(events.Select(e => e.@event.StreamKey)));
        parameters.Add(BigintArray(events.Select(e => (long?)e.@event.Version)));
        parameters.Add(TextArray(events.Select(e => e.@event.Type)));
        parameters.Add(TextArray(events.Select(e => e.@event.IntentKey)));
        parameters.Add(TextArray(events.Select(e => e.@event.CorrelationId)));
        parameters.Add(TextArray(events.Select(e => e.@event.Payload)));
        parameters.Add(BigintArray(events.Select(e => (long?)e.@event.CreatedAt.ToUnixTimeMilliseconds())));
        parameters.Add(NullableIntArray(events.Select(e => e.@event.Queue)));
        return command;
    }

    public static NpgsqlParameter TextArray(IEnumerable<string?> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = values.ToArray() };

    public static NpgsqlParameter BigintArray(IEnumerable<long?> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = values.ToArray() };

    public static NpgsqlParameter NullableIntArray(IEnumerable<int?> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, Value = values.ToArray() };

    private static NpgsqlParameter IntArray(IEnumerable<int> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, Value = values.ToArray() };
}
