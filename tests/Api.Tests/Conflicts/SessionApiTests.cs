using System.Net;
using System.Text;
using static OrleansConsistency.Api.Tests.ApiClient;

namespace OrleansConsistency.Api.Tests.Conflicts;

/// <summary>X-Session-Id over HTTP: a session's own writes are no conflict, and parked changes can be listed again.</summary>
public sealed class SessionApiTests(ConflictApiFactory factory) : IClassFixture<ConflictApiFactory>
{
    [Fact]
    public async Task TwoSavesFromOneSession_FromOneBase_AreBothApplied_UnderManual()
    {
        using var client = factory.CreateClient();
        var id = NewId();
        await client.ApplyAsync("tickets", id, """{"op":"set","payload":{"status":"open"}}""");

        using var first = await SendAsync(client, id, "first-" + id, """{"op":"merge","payload":{"status":"closed"},"basedOnVersion":1}""", "tab-a");
        using var second = await SendAsync(client, id, "second-" + id, """{"op":"merge","payload":{"status":"archived"},"basedOnVersion":1}""", "tab-a");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(3, await client.GetVersionAsync("tickets", id));
    }

    [Fact]
    public async Task ParkedChanges_AreListed_WithKeySessionReportAndResolutionAddress_AndFilteredBySession()
    {
        using var client = factory.CreateClient();
        var id = NewId();
        await client.ApplyAsync("tickets", id, """{"op":"set","payload":{"status":"open"}}""");
        (await SendAsync(client, id, "theirs-" + id, """{"op":"merge","payload":{"status":"closed"},"basedOnVersion":1}""", "tab-b")).Dispose();
        using var parked = await SendAsync(client, id, "mine-" + id, """{"op":"merge","payload":{"status":"archived"},"basedOnVersion":1}""", "tab-a");
        await AssertProblemAsync(parked, HttpStatusCode.Conflict, "conflict-pending");

        using var all = await ReadJsonAsync(await client.GetAsync(new Uri($"/v1/resources/tickets/{id}/conflicts", UriKind.Relative)));
        var item = Assert.Single(all.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal("mine-" + id, item.GetProperty("key").GetString());
        Assert.Equal("tab-a", item.GetProperty("session").GetString());
        Assert.Equal("parked", item.GetProperty("conflict").GetProperty("outcome").GetString());
        Assert.Equal($"/v1/resources/tickets/{id}/intents/mine-{id}/resolution", item.GetProperty("resolution").GetString());

        using var mine = await ReadJsonAsync(await client.GetAsync(new Uri($"/v1/resources/tickets/{id}/conflicts?session=tab-a", UriKind.Relative)));
        Assert.Single(mine.RootElement.GetProperty("items").EnumerateArray());
        using var theirs = await ReadJsonAsync(await client.GetAsync(new Uri($"/v1/resources/tickets/{id}/conflicts?session=tab-b", UriKind.Relative)));
        Assert.Empty(theirs.RootElement.GetProperty("items").EnumerateArray());

        // Resolved through the listed address, it is no longer listed.
        using var resolve = new HttpRequestMessage(HttpMethod.Post, item.GetProperty("resolution").GetString()) { Content = new StringContent("""{"choice":"keep-mine"}""", Encoding.UTF8, "application/json") };
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(resolve)).StatusCode);
        using var after = await ReadJsonAsync(await client.GetAsync(new Uri($"/v1/resources/tickets/{id}/conflicts", UriKind.Relative)));
        Assert.Empty(after.RootElement.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789")]
    public async Task AMalformedSessionId_IsA400Problem_AndChangesNothing(string session)
    {
        using var client = factory.CreateClient();
        var id = NewId();
        await client.ApplyAsync("tickets", id, """{"op":"set","payload":{"status":"open"}}""");

        var problem = await AssertProblemAsync(await SendAsync(client, id, "bad-" + id, """{"op":"merge","payload":{"status":"x"}}""", session), HttpStatusCode.BadRequest, "invalid-intent");
        Assert.Contains("X-Session-Id", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertProblemAsync(await client.GetAsync(new Uri($"/v1/resources/tickets/{id}/conflicts?session={Uri.EscapeDataString(session)}", UriKind.Relative)), HttpStatusCode.BadRequest, "invalid-intent");
        Assert.Equal(1, await client.GetVersionAsync("tickets", id));
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string id, string key, string body, string session)
    {
        using var request = Intent("tickets", id, key, body);
        request.Headers.TryAddWithoutValidation("X-Session-Id", session);
        return await client.SendAsync(request);
    }
}
