using Orleans;
using Orleans.Streams;

namespace OrleansConsistency.Storage.Streams;

/// <summary>
/// The Orleans stream token of an event row. <see cref="SequenceNumber"/> is the row's sequence, its global position
/// in the log. Tokens compare by <see cref="ReadOrder"/>, the order in which the queue's reader took the rows: on
/// PostgreSQL a row can become visible after rows with higher sequences, and Orleans' cache needs tokens that grow in
/// the order it receives them. A row is delivered on two streams (its own and its namespace's feed), told apart by
/// <see cref="EventIndex"/>.
/// </summary>
[GenerateSerializer]
[Alias("oc.EventsTableToken")]
public sealed class EventsTableToken : StreamSequenceToken
{
    /// <summary>Creates the token of a row on one of its streams.</summary>
    public EventsTableToken(long sequence, long readOrder, int eventIndex)
    {
        SequenceNumber = sequence;
        ReadOrder = readOrder;
        EventIndex = eventIndex;
    }

    /// <summary>The row's place in the order its queue's reader took rows.</summary>
    [Id(0)]
    public long ReadOrder { get; private set; }

    /// <inheritdoc />
    [Id(1)]
    public override long SequenceNumber { get; protected set; }

    /// <inheritdoc />
    [Id(2)]
    public override int EventIndex { get; protected set; }

    /// <inheritdoc />
    public override bool Equals(StreamSequenceToken? other) =>
        other is EventsTableToken token && token.ReadOrder == ReadOrder && token.SequenceNumber == SequenceNumber && token.EventIndex == EventIndex;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as StreamSequenceToken);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(ReadOrder, SequenceNumber, EventIndex);

    /// <inheritdoc />
    public override int CompareTo(StreamSequenceToken? other) => other switch
    {
        null => 1,
        EventsTableToken token when ReadOrder.CompareTo(token.ReadOrder) is var byOrder and not 0 => byOrder,
        EventsTableToken token => EventIndex.CompareTo(token.EventIndex),
        _ => throw new ArgumentOutOfRangeException(nameof(other), $"A {other.GetType().Name} is not a token of the events table."),
    };

    /// <inheritdoc />
    public override string ToString() => $"seq {SequenceNumber} (read #{ReadOrder}.{EventIndex})";
}
