using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansConsistency.Grains.Resources;
using OrleansConsistency.Grains.Serialization;

namespace OrleansConsistency.Grains.Conflicts;

/// <summary>Compares two resource states member by member, as stored (JSON), and says in plain words what differs.</summary>
internal static class ResourceStateComparer
{
    public static IReadOnlyList<string> Differences(ResourceState stored, ResourceState replayed)
    {
        var a = JsonSerializer.SerializeToNode(stored, GrainsJsonContext.Default.ResourceState)!.AsObject();
        var b = JsonSerializer.SerializeToNode(replayed, GrainsJsonContext.Default.ResourceState)!.AsObject();
        var names = a.Select(p => p.Key).Union(b.Select(p => p.Key), StringComparer.Ordinal);
        return names
            .Where(name => !JsonNode.DeepEquals(a[name], b[name]))
            .Select(name => $"{name}: stored {a[name]?.ToJsonString() ?? "nothing"}, replayed {b[name]?.ToJsonString() ?? "nothing"}.")
            .ToList();
    }
}
