using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansConsistency.Grains.Interfaces.Conflicts;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Resources;

namespace OrleansConsistency.Grains.Conflicts;

/// <summary>
/// Applies a conflict policy to an intent based on an older version. Pure: it reads the resource's last write per
/// field (<see cref="ResourceState.FieldWrites"/>), so the same state and intent always give the same decision.
/// </summary>
internal static class ConflictResolver
{
    /// <summary>
    /// Decides; an intent that is not stale (or met no change on its fields) applies as it is. Writes made since the
    /// base version by the intent's own <paramref name="session"/> are the person's own and are not held against it.
    /// </summary>
    public static ConflictDecision Decide(ResourceState current, ConflictPolicy policy, IntentOperation operation, JsonObject? payload, long basedOnVersion, HlcTimestamp stamp, string key, string? session = null)
    {
        var asIs = new ConflictDecision(ConflictDecisionKind.Apply, operation, payload, []);
        if (basedOnVersion >= current.Version)
        {
            return asIs;
        }

        var conflicts = Conflicts(current, operation, payload, basedOnVersion, session);
        if (conflicts.Count == 0)
        {
            return asIs;
        }

        var commutative = JsonPaths.IsCommutative(operation);
        switch (policy)
        {
            case ConflictPolicy.Reject:
                return new ConflictDecision(ConflictDecisionKind.Reject, null, null, Fields(conflicts, current, payload, operation, FieldConflict.Refused));
            case ConflictPolicy.Manual:
                return new ConflictDecision(ConflictDecisionKind.Park, null, null, Fields(conflicts, current, payload, operation, FieldConflict.Pending));
            case ConflictPolicy.Merge:
                // The intent being applied is the most recent one, so it wins every field it writes.
                return new ConflictDecision(ConflictDecisionKind.Apply, operation, payload, Fields(conflicts, current, payload, operation, commutative ? FieldConflict.Combined : FieldConflict.MineWon));
            default:
                return LastWriterWins(current, operation, payload, stamp, key, conflicts);
        }
    }

    /// <summary>True when (stamp, key) is later than the write: the timestamp first, then the greater key.</summary>
    public static bool IsLater(HlcTimestamp stamp, string key, FieldWrite write)
    {
        var order = stamp.CompareTo(write.Stamp);
        return order != 0 ? order > 0 : string.CompareOrdinal(key, write.IntentKey) > 0;
    }

    private static ConflictDecision LastWriterWins(ResourceState current, IntentOperation operation, JsonObject? payload, HlcTimestamp stamp, string key, List<(string Path, FieldWrite By)> conflicts)
    {
        var lost = conflicts.Where(c => !IsLater(stamp, key, c.By)).Select(c => c.Path).ToHashSet(StringComparer.Ordinal);
        var fields = conflicts
            .Select(c => Field(c.Path, c.By, current, payload, operation, lost.Contains(c.Path) ? FieldConflict.TheirsKept : JsonPaths.IsCommutative(operation) ? FieldConflict.Combined : FieldConflict.MineWon))
            .ToList();
        if (lost.Count == 0)
        {
            return new ConflictDecision(ConflictDecisionKind.Apply, operation, payload, fields);
        }

        switch (operation)
        {
            case IntentOperation.Merge:
                var kept = JsonPaths.Without(payload!, lost);
                return new ConflictDecision(ConflictDecisionKind.Apply, kept.Count == 0 ? null : IntentOperation.Merge, kept.Count == 0 ? null : kept, fields);
            case IntentOperation.Set when current.Document is not null && !lost.Contains(JsonPaths.Root):
                // Per top-level field: a field whose later write wins keeps its current value inside the new document.
                var document = payload!.DeepClone().AsObject();
                foreach (var path in lost)
                {
                    var name = path[1..].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
                    if (current.Document[name] is { } value)
                    {
                        document[name] = value.DeepClone();
                    }
                    else
                    {
                        document.Remove(name);
                    }
                }

                return new ConflictDecision(ConflictDecisionKind.Apply, IntentOperation.Set, document, fields);
            default:
                // A delete, a set over a deleted document, or a commutative change against a later delete: all or nothing.
                return new ConflictDecision(ConflictDecisionKind.Apply, null, null, fields.Select(f => f with { Outcome = FieldConflict.TheirsKept }).ToList());
        }
    }

    /// <summary>Per field the intent writes, the latest write made after the base version that overlaps it.</summary>
    private static List<(string Path, FieldWrite By)> Conflicts(ResourceState current, IntentOperation operation, JsonObject? payload, long basedOnVersion, string? session)
    {
        var later = current.FieldWrites.Where(w => w.Version > basedOnVersion && (session is null || !string.Equals(w.Session, session, StringComparison.Ordinal))).ToList();
        if (JsonPaths.IsCommutative(operation))
        {
            // Increments and set members compose with anything except a delete made since.
            later = later.Where(w => w.Path == JsonPaths.Root && w.Removed).ToList();
        }

        var result = new List<(string Path, FieldWrite By)>();
        if (operation is IntentOperation.Set or IntentOperation.Delete)
        {
            // The whole document is written: report per top-level field that changed since (or the whole document).
            foreach (var group in later.GroupBy(w => JsonPaths.TopLevel(w.Path), StringComparer.Ordinal))
            {
                result.Add((group.Key, group.MaxBy(w => w.Version)!));
            }
        }
        else
        {
            foreach (var path in JsonPaths.Written(operation, payload))
            {
                if (later.Where(w => JsonPaths.Overlap(w.Path, path)).MaxBy(w => w.Version) is { } by)
                {
                    result.Add((path, by));
                }
            }
        }

        return result.OrderBy(c => c.Path, StringComparer.Ordinal).ToList();
    }

    private static List<FieldConflict> Fields(List<(string Path, FieldWrite By)> conflicts, ResourceState current, JsonObject? payload, IntentOperation operation, string outcome) =>
        conflicts.Select(c => Field(c.Path, c.By, current, payload, operation, outcome)).ToList();

    private static FieldConflict Field(string path, FieldWrite by, ResourceState current, JsonObject? payload, IntentOperation operation, string outcome)
    {
        var mine = operation == IntentOperation.Delete ? null : JsonPaths.Get(payload, path);
        return new FieldConflict(path, Element(mine), Element(JsonPaths.Get(current.Document, path)), null, outcome, by.Reference());
    }

    /// <summary>A node as a detached JSON element (null stays null), for reports that cross the wire.</summary>
    public static JsonElement? Element(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        using var parsed = JsonDocument.Parse(node.ToJsonString());
        return parsed.RootElement.Clone();
    }
}
