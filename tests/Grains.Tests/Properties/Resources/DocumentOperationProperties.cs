using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Resources;

namespace OrleansConsistency.Grains.Tests.Properties.Resources;

/// <summary>
/// The laws of the commutative operations: <c>increment</c> sums (whole numbers, which are exact), <c>add</c> and
/// <c>remove</c> treat an array as a set.
/// </summary>
public sealed class DocumentOperationProperties
{
    // Deltas are whole numbers or halves, which doubles add exactly, so the law holds without rounding; the document is
    // what the grain holds after an increment (not reparsed), so a fraction after a whole number is covered too.
    [Property(MaxTest = 300)]
    public bool Increment_ByAThenByB_EqualsIncrementByTheirSum(short start, short halvesOfA, short halvesOfB, bool fieldExists)
    {
        var document = JsonNode.Parse(fieldExists ? $$"""{"n":{{start}}}""" : "{}")!.AsObject();

        var twice = Apply(Apply(document, IntentOperation.Increment, Delta(halvesOfA)), IntentOperation.Increment, Delta(halvesOfB));
        var once = Apply(document, IntentOperation.Increment, Delta(halvesOfA + halvesOfB));

        return Number(twice!["n"]!) == Number(once!["n"]!);
    }

    [Property(MaxTest = 300)]
    public bool Increment_InEitherOrder_GivesTheSameDocument(int a, int b, bool sameField)
    {
        var first = $$"""{"n":{{a}}}""";
        var second = sameField ? $$"""{"n":{{b}}}""" : $$"""{"m":{{b}}}""";

        return JsonNode.DeepEquals(
            Apply(Apply([], IntentOperation.Increment, first), IntentOperation.Increment, second),
            Apply(Apply([], IntentOperation.Increment, second), IntentOperation.Increment, first));
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(DocumentOperationProperties)])]
    public bool Add_TheSameMembersTwice_EqualsAddingThemOnce(SetDocument document, MemberList members)
    {
        var once = Apply(document.Parse(), IntentOperation.Add, members.Payload("tags"));

        return JsonNode.DeepEquals(once, Apply(once, IntentOperation.Add, members.Payload("tags")));
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(DocumentOperationProperties)])]
    public bool Add_ThenRemoveOfTheSameMember_LeavesTheSetWithoutIt(SetDocument document, MemberList members)
    {
        var added = Apply(document.Parse(), IntentOperation.Add, members.Payload("tags"));
        var removed = Apply(added, IntentOperation.Remove, members.Payload("tags"))!;

        var left = Members(removed);
        return members.Items.All(member => !left.Contains(member)) && left.SetEquals(Members(document.Parse()).Except(members.Items));
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(DocumentOperationProperties)])]
    public bool Add_InAnyOrder_GivesTheSameSet(SetDocument document, MemberList first, MemberList second)
    {
        var oneWay = Apply(Apply(document.Parse(), IntentOperation.Add, first.Payload("tags")), IntentOperation.Add, second.Payload("tags"))!;
        var otherWay = Apply(Apply(document.Parse(), IntentOperation.Add, second.Payload("tags")), IntentOperation.Add, first.Payload("tags"))!;

        return Members(oneWay).SetEquals(Members(otherWay)) && oneWay["tags"]!.AsArray().Count == otherWay["tags"]!.AsArray().Count;
    }

    /// <summary>A document whose <c>tags</c> set (maybe absent) holds distinct members.</summary>
    public static Arbitrary<SetDocument> Documents() => Arb.From(
        from present in Gen.Elements(true, false)
        from members in Gen.SubListOf(MemberPool)
        select new SetDocument(present ? $$"""{"tags":[{{string.Join(",", members)}}],"other":1}""" : """{"other":1}"""));

    public static Arbitrary<MemberList> MemberLists() => Arb.From(Gen.NonEmptyListOf(Gen.Elements(MemberPool)).Select(list => new MemberList([.. list.Take(4)])));

    // Members of every kind JSON has, compared by value: "1" and 1 are different members.
    private static readonly string[] MemberPool = ["\"a\"", "\"b\"", "1", "\"1\"", "true", "null", "{\"k\":1}", "[1,2]"];

    private static HashSet<string> Members(JsonObject document) =>
        document["tags"] is JsonArray array ? array.Select(m => m?.ToJsonString() ?? "null").ToHashSet(StringComparer.Ordinal) : [];

    private static decimal Number(JsonNode node) => decimal.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static string Delta(int halves) =>
        halves % 2 == 0 ? $$"""{"n":{{halves / 2}}}""" : $$"""{"n":{{(halves / 2.0).ToString(CultureInfo.InvariantCulture)}}}""";

    private static JsonObject? Apply(JsonObject? document, IntentOperation operation, string payload) =>
        DocumentOperations.Apply(document, operation, JsonDocument.Parse(payload).RootElement.Clone());

    /// <summary>A generated document with a set-valued field, as JSON text.</summary>
    public sealed record SetDocument(string Json)
    {
        public JsonObject Parse() => JsonNode.Parse(Json)!.AsObject();

        public override string ToString() => Json;
    }

    /// <summary>Generated members to add or remove, as JSON texts.</summary>
    public sealed record MemberList(IReadOnlyList<string> Items)
    {
        public string Payload(string field) => $$"""{"{{field}}":[{{string.Join(",", Items)}}]}""";

        public override string ToString() => string.Join(", ", Items);
    }
}
