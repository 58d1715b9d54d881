namespace OrleansConsistency.Storage;

/// <summary>
/// The stored answer to one idempotency key of one resource (table <c>intents</c>). Inserting a record whose
/// (resource, key) already exists fails the whole write with <see cref="DuplicateIntentException"/>.
/// </summary>
/// <param name="ResourceId">The owning grain's id (for resources: <c>{type}/{id}</c>).</param>
/// <param name="IdempotencyKey">The client's key, 1–255 printable ASCII characters.</param>
/// <param name="Fingerprint">A hash of the request, to tell a replay from a misuse of the key.</param>
/// <param name="Version">The version the intent produced, or null when it was refused.</param>
/// <param name="Outcome">The outcome as JSON, returned to replays.</param>
/// <param name="CreatedAt">When the record was written.</param>
/// <param name="ExpiresAt">When the purge may remove the record.</param>
public sealed record IntentRecord(
    string ResourceId,
    string IdempotencyKey,
    string Fingerprint,
    long? Version,
    string Outcome,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt);
