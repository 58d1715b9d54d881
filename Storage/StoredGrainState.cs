namespace OrleansConsistency.Storage;

/// <summary>A grain state row as read from storage.</summary>
/// <param name="Etag">The row's ETag.</param>
/// <param name="Version">The domain version stored beside the state, if any.</param>
/// <param name="Payload">The state as JSON; null when the state was cleared.</param>
public sealed record StoredGrainState(string Etag, long? Version, string? Payload);
