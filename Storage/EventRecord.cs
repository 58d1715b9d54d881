namespace OrleansConsistency.Storage;

/// <summary>
/// One event appended to a stream (table <c>events</c>), unique per (namespace, key, version).
/// </summary>
/// <param name="StreamNamespace">The stream's namespace, e.g. <c>resource/orders</c>.</param>
/// <param name="StreamKey">The stream's key within the namespace, e.g. the resource id.</param>
/// <param name="Version">The version within the stream; gapless and increasing.</param>
/// <param name="Type">The event type, e.g. <c>applied</c>.</param>
/// <param name="IntentKey">The idempotency key of the intent that caused it, if any.</param>
/// <param name="CorrelationId">The correlation id carried from the request, if any.</param>
/// <param name="Payload">The event body as JSON.</param>
/// <param name="CreatedAt">When it was written.</param>
public sealed record EventRecord(
    string StreamNamespace,
    string StreamKey,
    long Version,
    string Type,
    string? IntentKey,
    string? CorrelationId,
    string Payload,
    DateTimeOffset CreatedAt)
{
    /// <summary>The global position in the log, assigned on commit (0 before).</summary>
    public long Sequence { get; init; }
}
