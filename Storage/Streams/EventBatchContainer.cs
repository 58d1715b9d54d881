using System.Text.Json;
using Orleans;
using Orleans.Runtime;
using Orleans.Streams;

namespace OrleansConsistency.Storage.Streams;

/// <summary>
/// One event row as an Orleans stream message. Subscribers of <see cref="EventRecord"/> get the row itself; subscribers
/// of another type get its JSON payload deserialized into that type (with the web defaults the grains write it with).
/// </summary>
[GenerateSerializer]
[Immutable]
[Alias("oc.EventBatchContainer")]
public sealed class EventBatchContainer(StreamId streamId, EventRecord record, EventsTableToken token) : IBatchContainer
{
    /// <inheritdoc />
    [Id(0)]
    public StreamId StreamId { get; } = streamId;

    /// <summary>The row.</summary>
    [Id(1)]
    public EventRecord Record { get; } = record;

    /// <inheritdoc />
    [Id(2)]
    public StreamSequenceToken SequenceToken { get; } = token;

    /// <inheritdoc />
    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
    {
        if (Record is T row)
        {
            return [Tuple.Create(row, SequenceToken)];
        }

        return [Tuple.Create(JsonSerializer.Deserialize<T>(Record.Payload, JsonSerializerOptions.Web)!, SequenceToken)];
    }

    /// <inheritdoc />
    public bool ImportRequestContext() => false;

    /// <inheritdoc />
    public override string ToString() => $"{StreamId} v{Record.Version} @{SequenceToken}";
}
