namespace OrleansConsistency.Grains.Interfaces.Intents;

/// <summary>The answer to a submitted intent.</summary>
/// <param name="Status">The intent's status now.</param>
/// <param name="Replayed">True when the key was already known and this is the recorded answer.</param>
public sealed record IntentResult(IntentStatus Status, bool Replayed);
