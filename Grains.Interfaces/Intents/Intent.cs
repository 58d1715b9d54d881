using System.Text.Json;
using Orleans;

namespace OrleansConsistency.Grains.Interfaces.Intents;

/// <summary>A requested change to one resource, identified by the client's idempotency key.</summary>
/// <param name="IdempotencyKey">1–255 printable ASCII characters; a retry with the same key never applies twice.</param>
/// <param name="Operation">What to do.</param>
/// <param name="Payload">The operation's argument; null for <see cref="IntentOperation.Delete"/>.</param>
/// <param name="ExpectedVersion">When set, the intent applies only if the resource is at exactly this version.</param>
/// <param name="CorrelationId">Carried into the intent's record and its event, for tracing.</param>
/// <param name="BasedOnVersion">The version the person was looking at; when older than the current one, the resource type's
/// conflict policy decides. Unlike <paramref name="ExpectedVersion"/> it is never a precondition.</param>
/// <param name="IssuedAt">When the person made the change (their device, or when the API received it); the
/// last-writer-wins policy orders writes by it. Null: when the grain receives it.</param>
/// <param name="Session">The client session that made it (<c>X-Session-Id</c>, e.g. one browser tab): writes made by
/// the same session since <paramref name="BasedOnVersion"/> are the person's own and never conflict with this intent.
/// Null: no session, so every later write counts.</param>
[GenerateSerializer]
[Immutable]
[Alias("oc.Intent")]
public sealed record Intent(
    [property: Id(0)] string IdempotencyKey,
    [property: Id(1)] IntentOperation Operation,
    [property: Id(2)] JsonElement? Payload,
    [property: Id(3)] long? ExpectedVersion = null,
    [property: Id(4)] string? CorrelationId = null,
    [property: Id(5)] long? BasedOnVersion = null,
    [property: Id(6)] DateTimeOffset? IssuedAt = null,
    [property: Id(7)] string? Session = null);
