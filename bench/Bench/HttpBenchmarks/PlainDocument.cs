using System.Globalization;
using System.Text.Json.Nodes;

namespace OrleansConsistency.Bench.HttpBenchmarks;

/// <summary>What the plain endpoint does to a document and answers, shared by its SQLite and PostgreSQL stores.</summary>
internal static class PlainDocument
{
    /// <summary>Adds each numeric member of <paramref name="increment"/> to the document (a missing field counts from 0).</summary>
    /// <exception cref="InvalidOperationException">A field to increment is not a number.</exception>
    public static string Increment(string? document, JsonObject increment)
    {
        var current = document is null ? new JsonObject() : JsonNode.Parse(document)!.AsObject();
        foreach (var (field, value) in increment)
        {
            var by = value!.GetValue<decimal>();
            current[field] = current[field] is { } existing ? existing.GetValue<decimal>() + by : by;
        }

        return current.ToJsonString();
    }

    /// <summary>The body of a successful answer.</summary>
    public static string Applied(long version, string document) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"state":"applied","version":{{version}},"document":{{document}}}""");

    /// <summary>The answer to an expected version that is not the current one.</summary>
    public static PlainAnswer VersionMismatch(long current) =>
        new(412, string.Create(CultureInfo.InvariantCulture, $$"""{"code":"version-mismatch","version":{{current}}}"""));

    /// <summary>The event row's payload: the operation and the document after it.</summary>
    public static string Event(JsonObject increment, string document) =>
        $$"""{"op":"increment","payload":{{increment.ToJsonString()}},"document":{{document}}}""";
}
