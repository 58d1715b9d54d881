using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansConsistency.Grains.Interfaces.Intents;

namespace OrleansConsistency.Grains.Resources;

/// <summary>
/// Applies an intent's operation to a document. Pure and deterministic: the same document and intent always give
/// the same result, so replaying a resource's events rebuilds it exactly.
/// </summary>
internal static class DocumentOperations
{
    /// <summary>Returns the document after the operation (null when deleted); the input is not changed.</summary>
    /// <exception cref="CannotApplyException">The operation does not fit the document.</exception>
    public static JsonObject? Apply(JsonObject? document, IntentOperation operation, JsonElement? payload)
    {
        var patch = payload is { } element ? JsonNode.Parse(element.GetRawText()) as JsonObject : null;
        return operation switch
        {
            IntentOperation.Set => patch!,
            IntentOperation.Merge => (JsonObject)MergePatch(document?.DeepClone(), patch!),
            IntentOperation.Increment => Increment(CloneOrEmpty(document), patch!),
            IntentOperation.Add => AddMembers(CloneOrEmpty(document), patch!),
            IntentOperation.Remove => RemoveMembers(CloneOrEmpty(document), patch!),
            IntentOperation.Delete => document is null ? throw new CannotApplyException("There is nothing to delete: the resource does not exist.") : null,
            _ => throw new CannotApplyException($"Unknown operation {operation}."),
        };
    }

    /// <summary>RFC 7396: objects merge member by member, null removes a member, anything else replaces.</summary>
    private static JsonNode MergePatch(JsonNode? target, JsonNode patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch.DeepClone();
        }

        var result = target as JsonObject ?? [];
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                result[name] = MergePatch(result[name]?.DeepClone(), value);
            }
        }

        return result;
    }

    private static JsonObject Increment(JsonObject document, JsonObject deltas)
    {
        foreach (var (field, delta) in deltas)
        {
            var current = document[field];
            if (current is not null && current.GetValueKind() != JsonValueKind.Number)
            {
                throw new CannotApplyException($"The field '{field}' holds {Describe(current)}, not a number, so it cannot be incremented.");
            }

            document[field] = Add(current, delta!);
        }

        return document;
    }

    /// <summary>
    /// Whole numbers stay exact (checked 64-bit); any fraction makes the sum a double. The sum is stored as parsed JSON,
    /// like every other number in a document: a value created from a long cannot be read as a double, so the next,
    /// fractional increment of the same field would fail.
    /// </summary>
    private static JsonValue Add(JsonNode? current, JsonNode delta)
    {
        var deltaValue = delta.AsValue();
        if ((current is null || current.AsValue().TryGetValue<long>(out _)) && deltaValue.TryGetValue<long>(out var deltaLong))
        {
            var currentLong = current?.GetValue<long>() ?? 0;
            try
            {
                return Number(checked(currentLong + deltaLong).ToString(CultureInfo.InvariantCulture));
            }
            catch (OverflowException)
            {
                throw new CannotApplyException("The sum does not fit in a 64-bit whole number.");
            }
        }

        var sum = (current?.GetValue<double>() ?? 0) + deltaValue.GetValue<double>();
        return double.IsFinite(sum) ? Number(sum.ToString("R", CultureInfo.InvariantCulture)) : throw new CannotApplyException("The sum is too large to store.");
    }

    private static JsonValue Number(string json) => JsonNode.Parse(json)!.AsValue();

    private static JsonObject AddMembers(JsonObject document, JsonObject members)
    {
        foreach (var (field, additions) in members)
        {
            var set = SetField(document, field);
            foreach (var member in additions!.AsArray())
            {
                if (!set.Any(existing => JsonNode.DeepEquals(existing, member)))
                {
                    set.Add(member?.DeepClone());
                }
            }
        }

        return document;
    }

    private static JsonObject RemoveMembers(JsonObject document, JsonObject members)
    {
        foreach (var (field, removals) in members)
        {
            if (document[field] is null)
            {
                continue;
            }

            var set = SetField(document, field);
            foreach (var member in removals!.AsArray())
            {
                for (var i = set.Count - 1; i >= 0; i--)
                {
                    if (JsonNode.DeepEquals(set[i], member))
                    {
                        set.RemoveAt(i);
                    }
                }
            }
        }

        return document;
    }

    private static JsonArray SetField(JsonObject document, string field)
    {
        switch (document[field])
        {
            case null:
                var created = new JsonArray();
                document[field] = created;
                return created;
            case JsonArray array:
                return array;
            case var other:
                throw new CannotApplyException($"The field '{field}' holds {Describe(other)}, not a list, so members cannot be added or removed.");
        }
    }

    private static JsonObject CloneOrEmpty(JsonObject? document) => document?.DeepClone().AsObject() ?? [];

    private static string Describe(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.String => "text",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.True or JsonValueKind.False => "true/false",
        _ => "a value",
    };
}
