using Orleans;

namespace OrleansConsistency.Storage;

/// <summary>
/// One event appended to a stream (table <c>events</c>), unique per (namespace, key, version). It travels in Orleans
/// stream batches, hence serializable and immutable.
/// </summary>
/// <param name="StreamNamespace">The stream's namespace, e.g. <c>resource/orders</c>.</param>
/// <param name="StreamKey">The stream's key within the namespace, e.g. the resource id.</param>
/// <param name="Version">The version within the stream; gapless and increasing.</param>
/// <param name="Type">The event type, e.g. <c>applied</c>.</param>
/// <param name="IntentKey">The idempotency key of the intent that caused it, if any.</param>
/// <param name="CorrelationId">The correlation id carried from the request, if any.</param>
/// <param name="Payload">The event body as JSON.</param>
/// <param name="CreatedAt">When it was written.</param>
[GenerateSerializer]
[Immutable]
[Alias("oc.EventRecord")]
public sealed record EventRecord(
    [property: Id(0)] string StreamNamespace,
    [property: Id(1)] string StreamKey,
    [property: Id(2)] long Version,
    [property: Id(3)] string Type,
    [property: Id(4)] string? IntentKey,
    [property: Id(5)] string? CorrelationId,
    [property: Id(6)] string Payload,
    [property: Id(7)] DateTimeOffset CreatedAt)
{
    /// <summary>The global position in the log, assigned on commit (0 before).</summary>
    [Id(8)]
    public long Sequence { get; init; }

    /// <summary>
    /// The stream queue this event belongs to, stamped by the writer from the Orleans stream queue mapper; null for
    /// rows written before queues existed.
    /// </summary>
    [Id(9)]
    public int? Queue { get; init; }
}
