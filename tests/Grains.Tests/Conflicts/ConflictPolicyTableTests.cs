using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansConsistency.Grains.Interfaces.Conflicts;
using OrleansConsistency.Grains.Interfaces.Intents;
using static OrleansConsistency.Grains.Tests.ResourceCluster;

namespace OrleansConsistency.Grains.Tests.Conflicts;

/// <summary>
/// The table of the README's "Conflicts" section, row by row: version 1 is
/// {"title":"draft","status":"open","count":1}; "theirs" is applied at version 2 from version 1; "mine" is then sent
/// based on version 1. Each row gives the intent's state, the conflict outcome, the per-field outcomes and the document after.
/// </summary>
public sealed class ConflictPolicyTableTests(ConflictCluster fixture) : IClassFixture<ConflictCluster>
{
    private const string Base = """{"title":"draft","status":"open","count":1}""";

    /// <summary>policy, case, theirs, mine, mine issued (earlier/later than theirs), state, conflict outcome, fields, document after.</summary>
    public static TheoryData<string, string, string, string, string, string, string?, string?, string?> Table => new()
    {
        { "reject", "same field", "merge {\"status\":\"closed\"}", "merge {\"status\":\"archived\"}", "later", "rejected", "rejected", "/status=refused", """{"title":"draft","status":"closed","count":1}""" },
        { "reject", "different fields", "merge {\"status\":\"closed\"}", "merge {\"title\":\"final\"}", "later", "applied", null, null, """{"title":"final","status":"closed","count":1}""" },
        { "reject", "commutative", "increment {\"count\":2}", "increment {\"count\":5}", "later", "applied", null, null, """{"title":"draft","status":"open","count":8}""" },
        { "reject", "update after delete", "delete", "merge {\"status\":\"archived\"}", "later", "rejected", "rejected", "/status=refused", null },
        { "reject", "delete after update", "merge {\"status\":\"closed\"}", "delete", "later", "rejected", "rejected", "/status=refused", """{"title":"draft","status":"closed","count":1}""" },

        { "merge", "same field", "merge {\"status\":\"closed\"}", "merge {\"status\":\"archived\"}", "earlier", "applied", "merged", "/status=mine", """{"title":"draft","status":"archived","count":1}""" },
        { "merge", "different fields", "merge {\"status\":\"closed\"}", "merge {\"title\":\"final\"}", "earlier", "applied", null, null, """{"title":"final","status":"closed","count":1}""" },
        { "merge", "commutative", "increment {\"count\":2}", "increment {\"count\":5}", "earlier", "applied", null, null, """{"title":"draft","status":"open","count":8}""" },
        { "merge", "update after delete", "delete", "merge {\"status\":\"archived\"}", "earlier", "applied", "merged", "/status=mine", """{"status":"archived"}""" },
        { "merge", "delete after update", "merge {\"status\":\"closed\"}", "delete", "earlier", "applied", "merged", "/status=mine", null },

        { "last-writer-wins", "same field, mine issued earlier", "merge {\"status\":\"closed\"}", "merge {\"status\":\"archived\"}", "earlier", "applied", "merged", "/status=theirs", """{"title":"draft","status":"closed","count":1}""" },
        { "last-writer-wins", "same field, mine issued later", "merge {\"status\":\"closed\"}", "merge {\"status\":\"archived\"}", "later", "applied", "merged", "/status=mine", """{"title":"draft","status":"archived","count":1}""" },
        { "last-writer-wins", "different fields", "merge {\"status\":\"closed\"}", "merge {\"title\":\"final\"}", "earlier", "applied", null, null, """{"title":"final","status":"closed","count":1}""" },
        { "last-writer-wins", "commutative", "increment {\"count\":2}", "increment {\"count\":5}", "earlier", "applied", null, null, """{"title":"draft","status":"open","count":8}""" },
        { "last-writer-wins", "update after delete, mine issued earlier", "delete", "merge {\"status\":\"archived\"}", "earlier", "applied", "merged", "/status=theirs", null },
        { "last-writer-wins", "update after delete, mine issued later", "delete", "merge {\"status\":\"archived\"}", "later", "applied", "merged", "/status=mine", """{"status":"archived"}""" },
        { "last-writer-wins", "delete after update, mine issued earlier", "merge {\"status\":\"closed\"}", "delete", "earlier", "applied", "merged", "/status=theirs", """{"title":"draft","status":"closed","count":1}""" },

        { "manual", "same field", "merge {\"status\":\"closed\"}", "merge {\"status\":\"archived\"}", "later", "conflict", "parked", "/status=pending", """{"title":"draft","status":"closed","count":1}""" },
        { "manual", "different fields", "merge {\"status\":\"closed\"}", "merge {\"title\":\"final\"}", "later", "applied", null, null, """{"title":"final","status":"closed","count":1}""" },
        { "manual", "commutative", "increment {\"count\":2}", "increment {\"count\":5}", "later", "applied", null, null, """{"title":"draft","status":"open","count":8}""" },
        { "manual", "update after delete", "delete", "merge {\"status\":\"archived\"}", "later", "conflict", "parked", "/status=pending", null },
        { "manual", "delete after update", "merge {\"status\":\"closed\"}", "delete", "later", "conflict", "parked", "/status=pending", """{"title":"draft","status":"closed","count":1}""" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public async Task Policy_Case_GivesTheDocumentedResult_AndExplainsIt(string policy, string @case, string theirs, string mine, string mineIssued, string state, string? conflictOutcome, string? fields, string? documentAfter)
    {
        var type = ConflictCluster.TypeOfPolicy[policy];
        var id = Guid.NewGuid().ToString("N");
        var resource = fixture.Cluster.Resource(type, id);
        await resource.Submit(Intent(IntentOperation.Set, Base));
        var theirsIntent = Parse(theirs, basedOn: 1, issuedAt: null);
        var theirsResult = await resource.Submit(theirsIntent);
        Assert.Equal(2, theirsResult.Status.Version);

        var issuedAt = DateTimeOffset.UtcNow + (mineIssued == "later" ? TimeSpan.FromSeconds(30) : TimeSpan.FromSeconds(-30));
        var result = await resource.Submit(Parse(mine, basedOn: 1, issuedAt));
        var status = result.Status;

        var shown = status.State is IntentState.InProgress or IntentState.Settled ? "applied" : JsonSerializer.Serialize(status.State).Trim('"');
        Assert.True(state == shown, $"{policy} / {@case}: state {status.State}, message: {status.Message}");
        Assert.Equal(conflictOutcome, status.Conflict?.Outcome);
        Assert.Equal(fields, status.Conflict is null ? null : string.Join(",", status.Conflict.Fields.Select(f => $"{f.Path}={f.Outcome}")));
        var snapshot = await resource.GetSnapshot();
        Assert.True(JsonNode.DeepEquals(documentAfter is null ? null : JsonNode.Parse(documentAfter), snapshot.Document is { } d ? JsonNode.Parse(d.GetRawText()) : null), $"{policy} / {@case}: document {snapshot.Document}");

        if (status.Conflict is { } conflict)
        {
            // Explained as data and in plain words, in the status and (when a version was made) in the event.
            Assert.Equal(policy, conflict.Policy);
            Assert.Equal(1, conflict.BasedOnVersion);
            Assert.False(string.IsNullOrWhiteSpace(conflict.Message));
            Assert.Contains(conflict.Message, status.Message, StringComparison.Ordinal);
            Assert.All(conflict.Fields, f => Assert.Equal(theirsIntent.IdempotencyKey, f.By.Key));
            Assert.All(conflict.Fields, f => Assert.Equal(2, f.By.Version));
            if (status.Version is { } version)
            {
                var transition = (await fixture.EventsAsync(type, id)).Single(e => e.Version == version);
                Assert.Equal(conflict.Message, transition.Conflict?.Message);
                Assert.Equal(conflict.Fields.Count, transition.Conflict?.Fields.Count);
            }

            // The earlier intent's status says it was superseded, by which intent and when, exactly when mine won a field.
            var earlier = await resource.GetIntentStatus(theirsIntent.IdempotencyKey);
            var mineWon = conflict.Fields.Any(f => f.Outcome is FieldConflict.MineWon or FieldConflict.Combined) && status.Version is not null;
            Assert.Equal(mineWon, earlier!.SupersededBy is { Count: > 0 });
            if (mineWon)
            {
                var supersession = Assert.Single(earlier.SupersededBy!);
                Assert.Equal(status.IdempotencyKey, supersession.By.Key);
                Assert.Equal(status.Version, supersession.By.Version);
                Assert.Contains(supersession.Message, earlier.Message, StringComparison.Ordinal);
            }
        }

        var rebuild = await resource.Rebuild(replace: false);
        Assert.True(rebuild.Matches, string.Join(" ", rebuild.Differences));
    }

    private static Intent Parse(string text, long basedOn, DateTimeOffset? issuedAt)
    {
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        var operation = Enum.Parse<IntentOperation>(space < 0 ? text : text[..space], ignoreCase: true);
        var payload = space < 0 ? null : text[(space + 1)..];
        return Intent(operation, payload) with { BasedOnVersion = basedOn, IssuedAt = issuedAt };
    }
}
