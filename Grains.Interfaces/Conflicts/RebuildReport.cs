using System.Text.Json;

namespace OrleansConsistency.Grains.Interfaces.Conflicts;

/// <summary>The result of replaying a resource's events from version 0.</summary>
/// <param name="Version">The version the replay reached.</param>
/// <param name="EventsReplayed">How many events were applied.</param>
/// <param name="Matches">True when the replayed state equals the stored one exactly.</param>
/// <param name="Differences">What differs, in plain words; empty when it matches.</param>
/// <param name="Document">The replayed document; null when deleted or never created.</param>
/// <param name="Replaced">True when the stored state was replaced by the replayed one (asked for, and it differed).</param>
public sealed record RebuildReport(long Version, int EventsReplayed, bool Matches, IReadOnlyList<string> Differences, JsonElement? Document, bool Replaced);
