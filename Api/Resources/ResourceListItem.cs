using System.Text.Json;
using OrleansConsistency.Grains.Interfaces.ReadModel;

namespace OrleansConsistency.Api.Resources;

/// <summary>One resource in a listing, as the read model holds it.</summary>
/// <param name="Type">The resource type.</param>
/// <param name="Id">The resource id.</param>
/// <param name="Version">The version projected; the resource itself may be further on.</param>
/// <param name="Document">The document at that version.</param>
/// <param name="UpdatedAt">When that version was applied.</param>
/// <param name="ProjectedAt">When the read model took it.</param>
internal sealed record ResourceListItem(string Type, string Id, long Version, JsonElement? Document, DateTimeOffset UpdatedAt, DateTimeOffset ProjectedAt)
{
    public static ResourceListItem From(ReadModelEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new(entry.Type, entry.Id, entry.Version, entry.Document, entry.AppliedAt, entry.ProjectedAt);
    }
}
