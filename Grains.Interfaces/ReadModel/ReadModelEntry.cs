using System.Text.Json;

namespace OrleansConsistency.Grains.Interfaces.ReadModel;

/// <summary>A resource as the read model holds it: possibly behind the grain, and it says by how much.</summary>
/// <param name="Type">The resource type (bare: the caller asked for it in its own tenant).</param>
/// <param name="Id">The resource id.</param>
/// <param name="Version">The version projected.</param>
/// <param name="Deleted">True when the projected version deleted the resource.</param>
/// <param name="Document">The document at that version; null when deleted.</param>
/// <param name="AppliedAt">When that version was applied by the grain.</param>
/// <param name="ProjectedAt">When the read model took it.</param>
public sealed record ReadModelEntry(string Type, string Id, long Version, bool Deleted, JsonElement? Document, DateTimeOffset AppliedAt, DateTimeOffset ProjectedAt);
