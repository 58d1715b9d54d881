using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Tests.Conflicts;

namespace OrleansConsistency.Grains.Tests.Properties.Conflicts;

/// <summary>
/// Under last-writer-wins the hybrid logical clock timestamps decide, not the order of arrival: the same intents, all
/// based on the same version, end in the same document whichever order they reach the resource in.
/// </summary>
[Collection(ConflictPropertiesCollection.Name)]
public sealed class LastWriterWinsProperties(ConflictCluster fixture)
{
    private const string Type = "lww-docs";

    [Property(MaxTest = 200, Arbitrary = [typeof(LastWriterWinsProperties)])]
    public async Task<bool> Submit_TheSameIntentsOnTheSameBaseInAnyOrder_EndInTheSameDocument(ConcurrentEdits edits)
    {
        var now = DateTimeOffset.UtcNow;
        var run = Guid.NewGuid().ToString("N");
        var inOrder = await FinalDocumentAsync($"lww-{run}-a", edits.Edits, now);
        var reordered = await FinalDocumentAsync($"lww-{run}-b", edits.Arrival.Select(i => edits.Edits[i]).ToList(), now);

        return JsonNode.DeepEquals(inOrder, reordered);
    }

    public static Arbitrary<ConcurrentEdits> Edits() => Arb.From(
        from count in Gen.Choose(2, 3)
        from edits in Gen.ArrayOf(Edit, count)
        from issuedAgo in Gen.Shuffle(Enumerable.Range(1, 60).ToArray())
        from arrival in Gen.Shuffle(Enumerable.Range(0, count).ToArray())
        select new ConcurrentEdits(
            [.. edits.Select((patch, i) => new ConcurrentEdit($"k{i}", patch, TimeSpan.FromSeconds(issuedAgo[i])))],
            arrival));

    // A merge of one or two top-level fields, to a value or null (removing it).
    private static Gen<string> Edit =>
        from fields in Gen.NonEmptyListOf(Gen.Elements("a", "b", "c"))
        from values in Gen.ArrayOf(Gen.Frequency((4, Gen.Choose(1, 9).Select(n => n.ToString(CultureInfo.InvariantCulture))), (1, Gen.Constant("null"))), 2)
        select "{" + string.Join(",", fields.Distinct().Take(2).Select((member, i) => $"\"{member}\":{values[i]}")) + "}";

    private async Task<JsonNode?> FinalDocumentAsync(string id, IReadOnlyList<ConcurrentEdit> edits, DateTimeOffset now)
    {
        var grain = fixture.Cluster.Resource(Type, id);
        var seed = await grain.Submit(new Intent("seed", IntentOperation.Set, Json("""{"a":0,"b":0,"c":0}"""), IssuedAt: now - TimeSpan.FromMinutes(2)));
        foreach (var edit in edits)
        {
            await grain.Submit(new Intent(edit.Key, IntentOperation.Merge, Json(edit.Patch), BasedOnVersion: seed.Status.Version, IssuedAt: now - edit.IssuedAgo));
        }

        var snapshot = await grain.GetSnapshot();
        return snapshot.Document is { } document ? JsonNode.Parse(document.GetRawText()) : null;
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    /// <summary>One offline edit: its key, its merge patch, how long before the test it was issued.</summary>
    public sealed record ConcurrentEdit(string Key, string Patch, TimeSpan IssuedAgo)
    {
        public override string ToString() => $"{Key} {Patch} issued {IssuedAgo.TotalSeconds:0}s ago";
    }

    /// <summary>Edits in their first order of arrival, and a second order (indexes into <see cref="Edits"/>).</summary>
    public sealed record ConcurrentEdits(IReadOnlyList<ConcurrentEdit> Edits, IReadOnlyList<int> Arrival)
    {
        public override string ToString() => $"[{string.Join("; ", Edits)}], then in the order {string.Join(",", Arrival)}";
    }
}
