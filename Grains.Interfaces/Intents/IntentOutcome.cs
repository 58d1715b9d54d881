namespace OrleansConsistency.Grains.Interfaces.Intents;

/// <summary>
/// The grain's decision on an intent, recorded with its idempotency key and returned to every replay.
/// </summary>
/// <param name="IdempotencyKey">The client's key.</param>
/// <param name="Fingerprint">A hash of the request; a replay with another fingerprint is a misuse of the key.</param>
/// <param name="Operation">What the intent asked for.</param>
/// <param name="Version">The version it produced; null when it was refused.</param>
/// <param name="Rejection">Why it was refused; null when it was applied.</param>
/// <param name="CorrelationId">The request's correlation id.</param>
/// <param name="ReceivedAt">When the grain received it.</param>
/// <param name="DecidedAt">When it was applied or refused (committed).</param>
/// <param name="Conflict">The explanation, when the intent met changes made after its base version.</param>
public sealed record IntentOutcome(
    string IdempotencyKey,
    string Fingerprint,
    IntentOperation Operation,
    long? Version,
    IntentRejection? Rejection,
    string? CorrelationId,
    DateTimeOffset ReceivedAt,
    DateTimeOffset DecidedAt,
    Conflicts.ConflictReport? Conflict = null,
    string? Session = null)
{
    /// <summary>True when the intent changed the resource.</summary>
    public bool Applied => Version is not null;

    /// <summary>True when the manual policy parked it: neither applied nor refused, waiting for a person.</summary>
    public bool Parked => Version is null && Rejection is null && Conflict is not null;
}
