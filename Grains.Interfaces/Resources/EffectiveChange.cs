using Orleans;
using System.Text.Json;
using OrleansConsistency.Grains.Interfaces.Intents;

namespace OrleansConsistency.Grains.Interfaces.Resources;

/// <summary>What a transition actually applied, when a conflict policy or a resolution changed what was asked for.</summary>
/// <param name="Operation">The operation applied; null when nothing was applied (every field went to another change).</param>
/// <param name="Payload">Its argument.</param>
[GenerateSerializer]
[Alias("oc.EffectiveChange")]
public sealed record EffectiveChange([property: Id(0)] IntentOperation? Operation, [property: Id(1)] JsonElement? Payload);
