using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OrleansConsistency.Grains.Conflicts;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Resources;
using OrleansConsistency.Grains.Tests.Conflicts;
using OrleansConsistency.Grains.Tests.Properties.Conflicts;

namespace OrleansConsistency.Grains.Tests.Properties.Resources;

/// <summary>
/// A resource's state is the fold of its event log: any sequence of intents, of any operation, fresh or stale, under
/// any policy, leaves a state that folding the stored transition events from version 1 reproduces.
/// </summary>
[Collection(ConflictPropertiesCollection.Name)]
public sealed class ReplayProperties(ConflictCluster fixture)
{
    private static readonly ConflictLimits Limits = new(new ResourcesOptions().SupersessionNotesPerResource, new ResourcesOptions().IntentRetention);

    [Property(MaxTest = 200, Arbitrary = [typeof(ReplayProperties)])]
    public async Task<bool> Fold_TheEventsOfAnySequenceOfIntents_ReproducesTheResourcesState(IntentSequence sequence)
    {
        var id = $"replay-{Guid.NewGuid():N}";
        var grain = fixture.Cluster.Resource(sequence.Type, id);
        var now = DateTimeOffset.UtcNow;
        var version = 0L;
        for (var i = 0; i < sequence.Steps.Count; i++)
        {
            var step = sequence.Steps[i];
            var payload = step.Payload is null ? (JsonElement?)null : JsonDocument.Parse(step.Payload).RootElement.Clone();
            var result = await grain.Submit(new Intent($"i{i}", step.Operation, payload, BasedOnVersion: Math.Max(0, version - step.Staleness), IssuedAt: now - step.IssuedAgo));
            version = result.Status.Version ?? version;
        }

        var folded = new ResourceState();
        foreach (var transition in await fixture.EventsAsync(sequence.Type, id))
        {
            folded = ResourceLedger.Apply(folded, transition, Limits).Next;
        }

        var snapshot = await grain.GetSnapshot();
        var document = snapshot.Document is { } element ? JsonNode.Parse(element.GetRawText()) : null;
        return folded.Version == snapshot.Version && JsonNode.DeepEquals(folded.Document, document);
    }

    public static Arbitrary<IntentSequence> Sequences() => Arb.From(
        from type in Gen.Elements(ConflictCluster.TypeOfPolicy.Values.ToArray())
        from count in Gen.Choose(1, 6)
        from steps in Gen.ArrayOf(Step, count)
        select new IntentSequence(type, steps));

    private static Gen<IntentStep> Step =>
        from choice in Gen.Choose(0, 9)
        from member in Gen.Elements("a", "b", "n")
        from value in Gen.Choose(-3, 9)
        from staleness in Gen.Frequency((3, Gen.Constant(0)), (2, Gen.Choose(1, 3)))
        from issuedAgo in Gen.Choose(0, 50_000)
        let number = value.ToString(CultureInfo.InvariantCulture)
        select choice switch
        {
            < 3 => new IntentStep(IntentOperation.Merge, value < 0 ? $$"""{"{{member}}":null}""" : $"{{\"{member}\":{number},\"x\":{{\"y\":{number}}}}}", staleness, TimeSpan.FromMilliseconds(issuedAgo)),
            3 => new IntentStep(IntentOperation.Set, $$"""{"{{member}}":{{number}}}""", staleness, TimeSpan.FromMilliseconds(issuedAgo)),
            4 or 5 => new IntentStep(IntentOperation.Increment, $$"""{"{{member}}":{{number}}}""", staleness, TimeSpan.FromMilliseconds(issuedAgo)),
            6 => new IntentStep(IntentOperation.Add, $$"""{"tags":["t{{value & 3}}"]}""", staleness, TimeSpan.FromMilliseconds(issuedAgo)),
            7 => new IntentStep(IntentOperation.Remove, $$"""{"tags":["t{{value & 3}}"]}""", staleness, TimeSpan.FromMilliseconds(issuedAgo)),
            _ => new IntentStep(IntentOperation.Delete, null, staleness, TimeSpan.FromMilliseconds(issuedAgo)),
        };

    /// <summary>One intent: what it does, how many versions behind the resource it is based, how long ago it was issued.</summary>
    public sealed record IntentStep(IntentOperation Operation, string? Payload, int Staleness, TimeSpan IssuedAgo)
    {
        public override string ToString() => $"{Operation} {Payload} (-{Staleness} versions, {IssuedAgo.TotalMilliseconds:0} ms ago)";
    }

    /// <summary>The intents sent, in order, to one fresh resource of a type (and so a conflict policy).</summary>
    public sealed record IntentSequence(string Type, IReadOnlyList<IntentStep> Steps)
    {
        public override string ToString() => $"{Type}: {string.Join("; ", Steps)}";
    }
}
