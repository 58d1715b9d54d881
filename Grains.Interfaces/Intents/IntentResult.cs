using Orleans;

namespace OrleansConsistency.Grains.Interfaces.Intents;

/// <summary>The answer to a submitted intent.</summary>
/// <param name="Status">The intent's status now.</param>
/// <param name="Replayed">True when the key was already known and this is the recorded answer.</param>
[GenerateSerializer]
[Alias("oc.IntentResult")]
public sealed record IntentResult([property: Id(0)] IntentStatus Status, [property: Id(1)] bool Replayed);
