using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck.Xunit;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Resources;
using OrleansConsistency.Grains.Tests.Properties.Json;

namespace OrleansConsistency.Grains.Tests.Properties.Resources;

/// <summary>The laws of RFC 7396 JSON Merge Patch, for the <c>merge</c> operation.</summary>
public sealed class MergePatchProperties
{
    // RFC 7396 Appendix A, the rows whose document and patch are objects: a merge payload must be an object
    // (IntentValidator) and a document always is, so the other rows cannot reach DocumentOperations.
    [Theory]
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", """{}""")]
    [InlineData("""{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""")]
    [InlineData("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""")]
    [InlineData("""{}""", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""")]
    public void Merge_Rfc7396AppendixAExamples_GiveTheRfcsResults(string original, string patch, string expected)
    {
        var result = Merge(JsonNode.Parse(original)!.AsObject(), new JsonText(patch));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), result), $"{original} merged with {patch} gave {result?.ToJsonString()}, not {expected}.");
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(JsonArbitraries)])]
    public bool MergePatch_ApplyingTheSamePatchTwice_EqualsApplyingItOnce(JsonDocuments document, JsonPatches patch)
    {
        var once = Merge(document.Text.Parse(), patch.Text);

        return JsonNode.DeepEquals(once, Merge(once, patch.Text));
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(JsonArbitraries)])]
    public bool MergePatch_APatchMemberThatIsNull_RemovesThatMember(JsonDocuments document, JsonPatches patch)
    {
        var removed = patch.Text.Parse().Where(member => member.Value is null).Select(member => member.Key).ToList();

        var result = Merge(document.Text.Parse(), patch.Text)!;

        return removed.All(name => !result.ContainsKey(name));
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(JsonArbitraries)])]
    public bool MergePatch_TheDiffFromOneDocumentToAnother_TurnsTheFirstIntoTheSecond(JsonDocuments from, NullFreeObjects to)
    {
        var diff = Diff(from.Text.Parse(), to.Text.Parse());

        return JsonNode.DeepEquals(to.Text.Parse(), Merge(from.Text.Parse(), new JsonText(diff.ToJsonString())));
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(JsonArbitraries)])]
    public bool MergePatch_APatchWithoutNullsAppliedToAnEmptyDocument_IsThePatch(NullFreeObjects patch) =>
        JsonNode.DeepEquals(patch.Text.Parse(), Merge([], patch.Text)) && JsonNode.DeepEquals(patch.Text.Parse(), Merge(null, patch.Text));

    private static JsonObject? Merge(JsonObject? document, JsonText patch) =>
        DocumentOperations.Apply(document, IntentOperation.Merge, patch.ParseElement());

    /// <summary>The merge patch that turns <paramref name="from"/> into <paramref name="to"/> (which holds no nulls).</summary>
    private static JsonObject Diff(JsonObject from, JsonObject to)
    {
        var diff = new JsonObject();
        foreach (var (name, _) in from)
        {
            if (!to.ContainsKey(name))
            {
                diff[name] = null;
            }
        }

        foreach (var (name, value) in to)
        {
            var before = from.TryGetPropertyValue(name, out var existing) ? existing : null;
            if (before is JsonObject beforeObject && value is JsonObject afterObject)
            {
                var inner = Diff(beforeObject, afterObject);
                if (inner.Count > 0)
                {
                    diff[name] = inner;
                }
            }
            else if (!from.ContainsKey(name) || !JsonNode.DeepEquals(before, value))
            {
                diff[name] = value!.DeepClone();
            }
        }

        return diff;
    }
}
