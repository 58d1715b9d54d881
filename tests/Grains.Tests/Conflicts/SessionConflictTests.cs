using System.Text.Json.Nodes;
using OrleansConsistency.Grains.Interfaces.Conflicts;
using OrleansConsistency.Grains.Interfaces.Intents;
using static OrleansConsistency.Grains.Tests.ResourceCluster;

namespace OrleansConsistency.Grains.Tests.Conflicts;

/// <summary>
/// Sessions: the writes a session made since its base version are the person's own and never conflict with that
/// session's later intents; another session's writes do, as without sessions.
/// </summary>
public sealed class SessionConflictTests(ConflictCluster fixture) : IClassFixture<ConflictCluster>
{
    private const string Base = """{"title":"draft","status":"open","count":1}""";

    [Theory]
    [InlineData("reject")]
    [InlineData("merge")]
    [InlineData("last-writer-wins")]
    [InlineData("manual")]
    public async Task TwoQuickSavesFromOneSession_FromTheSameBase_NeverConflict(string policy)
    {
        var resource = await StartAsync(policy);
        var first = await resource.Submit(Merge("""{"status":"closed"}""", basedOn: 1, session: "tab-a"));
        var second = await resource.Submit(Merge("""{"status":"archived"}""", basedOn: 1, session: "tab-a"));

        Assert.Equal(2, first.Status.Version);
        Assert.Equal(3, second.Status.Version);
        Assert.Null(second.Status.Conflict);
        Assert.Null((await resource.GetIntentStatus(first.Status.IdempotencyKey))!.SupersededBy);
        Assert.Equal("archived", await StatusFieldAsync(resource));
    }

    [Theory]
    [InlineData("reject", "rejected")]
    [InlineData("merge", "merged")]
    [InlineData("manual", "parked")]
    public async Task AnotherSessionsWrite_SinceTheBase_StillConflicts(string policy, string outcome)
    {
        var resource = await StartAsync(policy);
        await resource.Submit(Merge("""{"status":"closed"}""", basedOn: 1, session: "tab-b"));
        var mine = await resource.Submit(Merge("""{"status":"archived"}""", basedOn: 1, session: "tab-a"));

        Assert.Equal(outcome, mine.Status.Conflict?.Outcome);
    }

    [Fact]
    public async Task UnderManual_OnlyTheOtherSessionsChange_ParksMine_AndTheListNamesMySession()
    {
        var resource = await StartAsync("manual");
        await resource.Submit(Merge("""{"title":"mine first"}""", basedOn: 1, session: "tab-a"));
        await resource.Submit(Merge("""{"status":"closed"}""", basedOn: 1, session: "tab-b"));

        // Both fields changed since version 1, but only 'status' by someone else: that is the one conflict.
        var mine = await resource.Submit(Merge("""{"title":"mine again","status":"archived"}""", basedOn: 1, session: "tab-a"));

        Assert.Equal(IntentState.Conflict, mine.Status.State);
        var field = Assert.Single(mine.Status.Conflict!.Fields);
        Assert.Equal("/status", field.Path);
        var waiting = Assert.Single(await resource.GetParkedConflicts());
        Assert.Equal(mine.Status.IdempotencyKey, waiting.Key);
        Assert.Equal("tab-a", waiting.Session);
        Assert.Equal(ConflictReport.Parked, waiting.Conflict.Outcome);
    }

    [Fact]
    public async Task OwnSessionWrites_StayNoConflict_AfterARebuild_BecauseTheEventsCarryTheSession()
    {
        var resource = await StartAsync("reject");
        await resource.Submit(Merge("""{"status":"closed"}""", basedOn: 1, session: "tab-a"));
        var rebuild = await resource.Rebuild(replace: true);
        Assert.True(rebuild.Matches, string.Join(" ", rebuild.Differences));

        var again = await resource.Submit(Merge("""{"status":"archived"}""", basedOn: 1, session: "tab-a"));
        Assert.Null(again.Status.Conflict);
        Assert.Equal(3, again.Status.Version);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("ä")]
    public async Task AMalformedSession_IsRefusedAsInvalid_AndRecordsNothing(string session)
    {
        var resource = await StartAsync("merge");
        await Assert.ThrowsAsync<InvalidIntentException>(() => resource.Submit(Merge("""{"status":"x"}""", basedOn: 1, session: session)));
        await Assert.ThrowsAsync<InvalidIntentException>(() => resource.Submit(Merge("""{"status":"x"}""", basedOn: 1, session: new string('s', IntentValidator.MaxSessionLength + 1))));
        Assert.Equal(1, (await resource.GetSnapshot()).Version);
    }

    private async Task<Interfaces.Resources.IResourceGrain> StartAsync(string policy)
    {
        var resource = fixture.Cluster.Resource(ConflictCluster.TypeOfPolicy[policy], Guid.NewGuid().ToString("N"));
        await resource.Submit(Intent(IntentOperation.Set, Base));
        return resource;
    }

    private static Intent Merge(string payload, long basedOn, string session) =>
        Intent(IntentOperation.Merge, payload) with { BasedOnVersion = basedOn, Session = session };

    private static async Task<string?> StatusFieldAsync(Interfaces.Resources.IResourceGrain resource) =>
        JsonNode.Parse((await resource.GetSnapshot()).Document!.Value.GetRawText())!["status"]?.GetValue<string>();
}
