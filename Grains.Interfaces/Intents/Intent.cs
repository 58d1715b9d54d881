using System.Text.Json;

namespace OrleansConsistency.Grains.Interfaces.Intents;

/// <summary>A requested change to one resource, identified by the client's idempotency key.</summary>
/// <param name="IdempotencyKey">1–255 printable ASCII characters; a retry with the same key never applies twice.</param>
/// <param name="Operation">What to do.</param>
/// <param name="Payload">The operation's argument; null for <see cref="IntentOperation.Delete"/>.</param>
/// <param name="ExpectedVersion">When set, the intent applies only if the resource is at exactly this version.</param>
/// <param name="CorrelationId">Carried into the intent's record and its event, for tracing.</param>
public sealed record Intent(
    string IdempotencyKey,
    IntentOperation Operation,
    JsonElement? Payload,
    long? ExpectedVersion = null,
    string? CorrelationId = null);
