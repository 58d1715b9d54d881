using System.Text.Json.Nodes;
using OrleansConsistency.Grains.Interfaces.Intents;

namespace OrleansConsistency.Grains.Conflicts;

/// <summary>JSON Pointers (RFC 6901) for the fields an operation writes, and reading or dropping them.</summary>
internal static class JsonPaths
{
    /// <summary>The whole document.</summary>
    public const string Root = "";

    /// <summary>
    /// The fields an operation writes: a merge patch's leaves (an object value is descended into), one top-level
    /// field per member for increment/add/remove, and the whole document for set and delete.
    /// </summary>
    public static IReadOnlyList<string> Written(IntentOperation operation, JsonObject? payload) => operation switch
    {
        IntentOperation.Set or IntentOperation.Delete => [Root],
        IntentOperation.Merge => Leaves(payload!, Root).ToList(),
        _ => payload!.Select(member => Child(Root, member.Key)).ToList(),
    };

    /// <summary>True for increment, add and remove, which give the same result in any order.</summary>
    public static bool IsCommutative(IntentOperation operation) => operation is IntentOperation.Increment or IntentOperation.Add or IntentOperation.Remove;

    /// <summary>True when one path is the other or lies inside it.</summary>
    public static bool Overlap(string a, string b) => a == b || IsInside(a, b) || IsInside(b, a);

    /// <summary>True when <paramref name="path"/> lies strictly inside <paramref name="container"/>.</summary>
    public static bool IsInside(string path, string container) =>
        path.Length > container.Length && path.StartsWith(container, StringComparison.Ordinal) && path[container.Length] == '/';

    /// <summary>The value at a path, or null when it is absent.</summary>
    public static JsonNode? Get(JsonNode? document, string path)
    {
        var node = document;
        foreach (var segment in Segments(path))
        {
            node = node is JsonObject obj && obj.TryGetPropertyValue(segment, out var child) ? child : null;
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>A copy of a merge patch without the given leaves; parents left empty by that are dropped too.</summary>
    public static JsonObject Without(JsonObject patch, IReadOnlyCollection<string> paths)
    {
        var copy = patch.DeepClone().AsObject();
        foreach (var path in paths)
        {
            Remove(copy, Segments(path).ToList(), 0);
        }

        return copy;
    }

    /// <summary>The top-level fields of a path's first segment, e.g. <c>/a</c> for <c>/a/b</c>.</summary>
    public static string TopLevel(string path) => path.Length == 0 ? Root : Child(Root, Segments(path).First());

    /// <summary>The path of a member inside a path.</summary>
    public static string Child(string parent, string name) => $"{parent}/{name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)}";

    private static IEnumerable<string> Leaves(JsonObject patch, string prefix)
    {
        foreach (var (name, value) in patch)
        {
            var path = Child(prefix, name);
            if (value is JsonObject { Count: > 0 } inner)
            {
                foreach (var leaf in Leaves(inner, path))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return path;
            }
        }
    }

    /// <summary>The field names along a path, unescaped: <c>/a~1b/c</c> is <c>a/b</c>, <c>c</c>.</summary>
    public static IEnumerable<string> Segments(string path) =>
        path.Length == 0 ? [] : path[1..].Split('/').Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));

    /// <summary>Removes a leaf; true when the object it was in is now empty and should go too.</summary>
    private static bool Remove(JsonObject node, List<string> segments, int index)
    {
        if (index >= segments.Count || !node.TryGetPropertyValue(segments[index], out var child))
        {
            return false;
        }

        if (index == segments.Count - 1)
        {
            node.Remove(segments[index]);
            return node.Count == 0;
        }

        if (child is JsonObject inner && Remove(inner, segments, index + 1))
        {
            node.Remove(segments[index]);
            return node.Count == 0;
        }

        return false;
    }
}
