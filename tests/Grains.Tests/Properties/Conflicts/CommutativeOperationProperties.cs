using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OrleansConsistency.Grains.Conflicts;
using OrleansConsistency.Grains.Interfaces.Conflicts;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Resources;

namespace OrleansConsistency.Grains.Tests.Properties.Conflicts;

/// <summary>
/// Increment, add and remove compose with any change made since their base version except a delete, so no policy
/// ever reports a conflict for them: they apply as sent.
/// </summary>
public sealed class CommutativeOperationProperties
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Property(MaxTest = 500, Arbitrary = [typeof(CommutativeOperationProperties)])]
    public bool Decide_ACommutativeIntentOnAnyStaleBaseWithoutADeleteSince_AppliesAsSentWithoutConflict(StaleCommutativeIntent intent)
    {
        var decision = ConflictResolver.Decide(intent.State, intent.Policy, intent.Operation, intent.Payload(), intent.BasedOnVersion, HlcTimestamp.At(Start), "mine");

        return decision.Kind == ConflictDecisionKind.Apply
            && decision.Operation == intent.Operation
            && decision.Payload is { } payload && JsonNode.DeepEquals(payload, intent.Payload())
            && !decision.HasConflict;
    }

    public static Arbitrary<StaleCommutativeIntent> Intents() => Arb.From(
        from version in Gen.Choose(2, 20)
        from basedOn in Gen.Choose(0, version - 1)
        from writes in Gen.ListOf(Write(version))
        from policy in Gen.Elements(Enum.GetValues<ConflictPolicy>())
        from operation in Gen.Elements(IntentOperation.Increment, IntentOperation.Add, IntentOperation.Remove)
        from field in Gen.Elements("n", "tags", "a")
        select new StaleCommutativeIntent(
            new ResourceState { Version = version, Document = [], FieldWrites = [.. writes] },
            policy,
            operation,
            operation == IntentOperation.Increment ? $$"""{"{{field}}":1}""" : $$"""{"{{field}}":["x"]}""",
            basedOn));

    // Any write since the base (sets, merges of any field, removals of fields) except the removal of the whole document.
    private static Gen<FieldWrite> Write(int version) =>
        from path in Gen.Elements(JsonPaths.Root, "/n", "/tags", "/a", "/a/b")
        from removed in Gen.Elements(true, false)
        from at in Gen.Choose(1, version)
        from key in Gen.Elements("k1", "k2", "k3")
        select new FieldWrite
        {
            Path = path,
            Version = at,
            IntentKey = key,
            At = Start.AddSeconds(at),
            Stamp = HlcTimestamp.At(Start.AddSeconds(at)),
            Removed = removed && path != JsonPaths.Root,
        };

    /// <summary>A generated increment, add or remove based on an older version than the resource's.</summary>
    public sealed record StaleCommutativeIntent(ResourceState State, ConflictPolicy Policy, IntentOperation Operation, string PayloadJson, long BasedOnVersion)
    {
        public JsonObject Payload() => JsonNode.Parse(PayloadJson)!.AsObject();

        public override string ToString() =>
            $"{ConflictPolicies.Name(Policy)} {Operation} {PayloadJson} based on {BasedOnVersion} at version {State.Version}, writes since: "
            + string.Join(", ", State.FieldWrites.Select(w => $"{(w.Path.Length == 0 ? "(document)" : w.Path)}@{w.Version}{(w.Removed ? " removed" : string.Empty)}"));
    }
}
