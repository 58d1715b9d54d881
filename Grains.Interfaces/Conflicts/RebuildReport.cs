using System.Text.Json;
using Orleans;

namespace OrleansConsistency.Grains.Interfaces.Conflicts;

/// <summary>The result of replaying a resource's events from version 0.</summary>
/// <param name="Version">The version the replay reached.</param>
/// <param name="EventsReplayed">How many events were applied.</param>
/// <param name="Matches">True when the replayed state equals the stored one exactly.</param>
/// <param name="Differences">What differs, in plain words; empty when it matches.</param>
/// <param name="Document">The replayed document; null when deleted or never created.</param>
/// <param name="Replaced">True when the stored state was replaced by the replayed one (asked for, and it differed).</param>
[GenerateSerializer]
[Alias("oc.RebuildReport")]
public sealed record RebuildReport(
    [property: Id(0)] long Version,
    [property: Id(1)] int EventsReplayed,
    [property: Id(2)] bool Matches,
    [property: Id(3)] IReadOnlyList<string> Differences,
    [property: Id(4)] JsonElement? Document,
    [property: Id(5)] bool Replaced);
