using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using static OrleansConsistency.Api.Tests.ApiClient;

namespace OrleansConsistency.Api.Tests.Conflicts;

public sealed class ConflictApiTests(ConflictApiFactory factory) : IClassFixture<ConflictApiFactory>
{
    [Fact]
    public async Task ManualConflict_ResolvedOverHttp_EndsInANewVersionWhoseEventRecordsTheChoice()
    {
        using var client = factory.CreateClient();
        var id = NewId();
        Assert.Equal(1, await client.ApplyAsync("tickets", id, """{"op":"set","payload":{"status":"open","title":"printer"}}"""));
        using (var theirs = Intent("tickets", id, "theirs-" + id, """{"op":"merge","payload":{"status":"closed"}}"""))
        {
            theirs.Headers.Add("X-Based-On-Version", "1");
            Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(theirs)).StatusCode);
        }

        var key = "mine-" + id;
        using var parked = await client.PostIntentAsync("tickets", id, key, """{"op":"merge","payload":{"status":"archived","title":"laser printer"},"basedOnVersion":1}""");

        var problem = await AssertProblemAsync(parked, HttpStatusCode.Conflict, "conflict-pending");
        Assert.Equal("conflict", problem.GetProperty("intent").GetProperty("state").GetString());
        Assert.EndsWith($"/intents/{key}/resolution", problem.GetProperty("resolution").GetString(), StringComparison.Ordinal);
        using var status = await ReadJsonAsync(await client.GetAsync(new Uri($"{IntentsPath("tickets", id)}/{key}", UriKind.Relative)));
        var conflict = status.RootElement.GetProperty("conflict");
        Assert.Equal("manual", conflict.GetProperty("policy").GetString());
        Assert.Equal(1, conflict.GetProperty("basedOnVersion").GetInt64());
        Assert.Equal("parked", conflict.GetProperty("outcome").GetString());
        var field = Assert.Single(conflict.GetProperty("fields").EnumerateArray());
        Assert.Equal("/status", field.GetProperty("path").GetString());
        Assert.Equal("archived", field.GetProperty("mine").GetString());
        Assert.Equal("closed", field.GetProperty("theirs").GetString());
        Assert.Equal("theirs-" + id, field.GetProperty("by").GetProperty("key").GetString());
        Assert.Equal(2, field.GetProperty("by").GetProperty("version").GetInt64());
        Assert.Equal(2, await client.GetVersionAsync("tickets", id));

        using var resolved = await ResolveAsync(client, id, key, """{"choice":"keep-mine"}""");

        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        using var resolvedStatus = await ReadJsonAsync(resolved);
        Assert.Equal(3, resolvedStatus.RootElement.GetProperty("version").GetInt64());
        Assert.Equal("keep-mine", resolvedStatus.RootElement.GetProperty("conflict").GetProperty("resolution").GetProperty("choice").GetString());
        using var resource = await ReadJsonAsync(await client.GetAsync(new Uri($"/v1/resources/tickets/{id}", UriKind.Relative)));
        Assert.Equal(3, resource.RootElement.GetProperty("version").GetInt64());
        Assert.Equal("archived", resource.RootElement.GetProperty("document").GetProperty("status").GetString());
        Assert.Equal("laser printer", resource.RootElement.GetProperty("document").GetProperty("title").GetString());

        // The event of version 3 records the choice, for subscribers.
        using var transition = JsonDocument.Parse(await ReadEventPayloadAsync("tickets", id, 3));
        Assert.Equal(key, transition.RootElement.GetProperty("intentKey").GetString());
        var recorded = transition.RootElement.GetProperty("conflict");
        Assert.Equal("resolved", recorded.GetProperty("outcome").GetString());
        Assert.Equal("keep-mine", recorded.GetProperty("resolution").GetProperty("choice").GetString());
        Assert.Equal("mine", recorded.GetProperty("fields")[0].GetProperty("outcome").GetString());

        // The same resolution again answers the same; another choice is refused; the rebuild agrees with the state.
        using (var again = await ResolveAsync(client, id, key, """{"choice":"keep-mine"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal("true", Header(again, "Idempotent-Replayed"));
        }

        await AssertProblemAsync(await ResolveAsync(client, id, key, """{"choice":"keep-theirs"}"""), HttpStatusCode.Conflict, "already-resolved");
        using var rebuild = await ReadJsonAsync(await client.PostAsync(new Uri($"/v1/resources/tickets/{id}/rebuild", UriKind.Relative), null));
        Assert.True(rebuild.RootElement.GetProperty("matches").GetBoolean(), rebuild.RootElement.ToString());
        Assert.Equal(3, rebuild.RootElement.GetProperty("eventsReplayed").GetInt32());
        Assert.Equal(3, await client.GetVersionAsync("tickets", id));
    }

    [Fact]
    public async Task Resolution_WithAnExplicitValue_SavesIt_AndBadChoicesChangeNothing()
    {
        using var client = factory.CreateClient();
        var id = NewId();
        await client.ApplyAsync("tickets", id, """{"op":"set","payload":{"status":"open"}}""");
        await client.ApplyAsync("tickets", id, """{"op":"merge","payload":{"status":"closed"}}""");
        var key = "mine-" + id;
        (await client.PostIntentAsync("tickets", id, key, """{"op":"merge","payload":{"status":"archived"},"basedOnVersion":1}""")).Dispose();

        await AssertProblemAsync(await ResolveAsync(client, id, key, """{"choice":"both"}"""), HttpStatusCode.BadRequest, "invalid-resolution");
        await AssertProblemAsync(await ResolveAsync(client, id, key, """{"choice":"value"}"""), HttpStatusCode.BadRequest, "invalid-resolution");
        await AssertProblemAsync(await ResolveAsync(client, id, "never-sent", """{"choice":"keep-mine"}"""), HttpStatusCode.NotFound, "intent-not-found");
        Assert.Equal(2, await client.GetVersionAsync("tickets", id));

        using var resolved = await ResolveAsync(client, id, key, """{"choice":"value","value":{"status":"reopened"}}""");
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        using var resource = await ReadJsonAsync(await client.GetAsync(new Uri($"/v1/resources/tickets/{id}", UriKind.Relative)));
        Assert.Equal("reopened", resource.RootElement.GetProperty("document").GetProperty("status").GetString());
    }

    [Fact]
    public async Task RejectPolicy_AnswersConflict_WithTheCurrentVersion_AndWhatChanged()
    {
        using var client = factory.CreateClient();
        var id = NewId();
        await client.ApplyAsync("accounts", id, """{"op":"set","payload":{"owner":"ann","limit":10}}""");
        await client.ApplyAsync("accounts", id, """{"op":"merge","payload":{"limit":20}}""");

        using var refused = Intent("accounts", id, NewId(), """{"op":"merge","payload":{"limit":15}}""");
        refused.Headers.Add("X-Based-On-Version", "1");
        var problem = await AssertProblemAsync(await client.SendAsync(refused), HttpStatusCode.Conflict, "conflict");

        Assert.Equal(2, problem.GetProperty("currentVersion").GetInt64());
        var field = Assert.Single(problem.GetProperty("conflict").GetProperty("fields").EnumerateArray());
        Assert.Equal("/limit", field.GetProperty("path").GetString());
        Assert.Equal(20, field.GetProperty("theirs").GetInt32());
        Assert.Contains("'limit'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, await client.GetVersionAsync("accounts", id));
    }

    private static Task<HttpResponseMessage> ResolveAsync(HttpClient client, string id, string key, string json) =>
        client.PostAsync(new Uri($"{IntentsPath("tickets", id)}/{key}/resolution", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<string> ReadEventPayloadAsync(string type, string id, long version)
    {
        await using var connection = new SqliteConnection($"Data Source={factory.DatabasePath};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload FROM events WHERE stream_namespace = $n AND stream_key = $k AND version = $v";
        command.Parameters.AddWithValue("$n", $"resource/{type}");
        command.Parameters.AddWithValue("$k", id);
        command.Parameters.AddWithValue("$v", version);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
