namespace OrleansConsistency.Grains.Interfaces.Conflicts;

/// <summary>Points at one applied intent: which one, which version it made, and when.</summary>
/// <param name="Key">The intent's idempotency key.</param>
/// <param name="Version">The version it produced.</param>
/// <param name="At">When it was applied.</param>
public sealed record ChangeReference(string Key, long Version, DateTimeOffset At);
