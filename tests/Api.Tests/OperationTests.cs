using System.Net;
using System.Text.Json;
using static OrleansConsistency.Api.Tests.ApiClient;

namespace OrleansConsistency.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class OperationTests(ApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Set_ReplacesTheDocument_AndGetShowsVersionAndETag()
    {
        var id = NewId();
        await _client.ApplyAsync("orders", id, """{"op":"set","payload":{"old":true}}""");

        using var posted = await _client.PostIntentAsync("orders", id, NewId(), """{"op":"set","payload":{"name":"a","lines":[1,2]}}""");
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        Assert.Equal("\"2\"", Header(posted, "ETag"));
        using var get = await _client.GetAsync(new Uri($"/v1/resources/orders/{id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("\"2\"", get.Headers.ETag?.ToString());
        using var body = await ReadJsonAsync(get);
        var resource = body.RootElement;
        Assert.Equal("orders", resource.GetProperty("type").GetString());
        Assert.Equal(id, resource.GetProperty("id").GetString());
        Assert.Equal(2, resource.GetProperty("version").GetInt64());
        Assert.True(resource.GetProperty("settledVersion").GetInt64() <= 2);
        Assert.True(resource.GetProperty("exists").GetBoolean());
        Assert.NotEqual(JsonValueKind.Null, resource.GetProperty("updatedAt").ValueKind);
        AssertJson("""{"name":"a","lines":[1,2]}""", resource.GetProperty("document"));
    }

    [Fact]
    public async Task Merge_FollowsRfc7396_NullRemovesAFieldAndNestedObjectsMerge()
    {
        var id = NewId();
        await _client.ApplyAsync("orders", id, """{"op":"set","payload":{"a":1,"b":{"x":1,"y":2},"c":3}}""");

        await _client.ApplyAsync("orders", id, """{"op":"merge","payload":{"b":{"y":null,"z":3},"c":null,"d":[4]}}""");

        AssertJson("""{"a":1,"b":{"x":1,"z":3},"d":[4]}""", await GetDocumentAsync(id));
    }

    [Fact]
    public async Task Merge_OnANewResource_CreatesIt()
    {
        var id = NewId();

        Assert.Equal(1, await _client.ApplyAsync("orders", id, """{"op":"merge","payload":{"a":{"b":1}}}"""));

        AssertJson("""{"a":{"b":1}}""", await GetDocumentAsync(id));
    }

    [Fact]
    public async Task Increment_AddsToNumbers_AndAMissingFieldCountsFromZero()
    {
        var id = NewId();
        await _client.ApplyAsync("orders", id, """{"op":"set","payload":{"count":1}}""");

        await _client.ApplyAsync("orders", id, """{"op":"increment","payload":{"count":2,"stock":-1}}""");

        var document = await GetDocumentAsync(id);
        Assert.Equal(3, document.GetProperty("count").GetDouble());
        Assert.Equal(-1, document.GetProperty("stock").GetDouble());
    }

    [Fact]
    public async Task AddAndRemove_TreatArraysAsSets()
    {
        var id = NewId();

        await _client.ApplyAsync("orders", id, """{"op":"add","payload":{"tags":["a","b"]}}""");
        await _client.ApplyAsync("orders", id, """{"op":"add","payload":{"tags":["b","c"]}}""");
        var added = Members(await GetDocumentAsync(id));
        var version = await _client.ApplyAsync("orders", id, """{"op":"remove","payload":{"tags":["a","x"]}}""");

        Assert.Equal(["a", "b", "c"], added);
        Assert.Equal(["b", "c"], Members(await GetDocumentAsync(id)));
        Assert.Equal(3, version);
    }

    [Fact]
    public async Task Delete_ThenGet_Answers404SayingItWasDeleted_AndASetCreatesItAgain()
    {
        var id = NewId();
        await _client.ApplyAsync("orders", id, """{"op":"set","payload":{"a":1}}""");

        Assert.Equal(2, await _client.ApplyAsync("orders", id, """{"op":"delete"}"""));
        using var gone = await _client.GetAsync(new Uri($"/v1/resources/orders/{id}", UriKind.Relative));

        var problem = await AssertProblemAsync(gone, HttpStatusCode.NotFound, "resource-not-found");
        Assert.Contains("deleted", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, problem.GetProperty("version").GetInt64());
        Assert.Equal(3, await _client.ApplyAsync("orders", id, """{"op":"set","payload":{"b":2}}"""));
        AssertJson("""{"b":2}""", await GetDocumentAsync(id));
    }

    [Fact]
    public async Task IfNoneMatch_WithTheCurrentETag_Answers304_AndWithAnOlderOne200()
    {
        var id = NewId();
        await _client.ApplyAsync("orders", id, """{"op":"set","payload":{"a":1}}""");
        await _client.ApplyAsync("orders", id, """{"op":"set","payload":{"a":2}}""");

        using var current = new HttpRequestMessage(HttpMethod.Get, $"/v1/resources/orders/{id}").WithHeader("If-None-Match", "\"2\"");
        using var notModified = await _client.SendAsync(current);
        using var older = new HttpRequestMessage(HttpMethod.Get, $"/v1/resources/orders/{id}").WithHeader("If-None-Match", "\"1\"");
        using var modified = await _client.SendAsync(older);

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal("\"2\"", notModified.Headers.ETag?.ToString());
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, modified.StatusCode);
    }

    [Fact]
    public async Task IfMatch_WithTheCurrentVersion_Applies()
    {
        var id = NewId();
        await _client.ApplyAsync("orders", id, """{"op":"set","payload":{"a":1}}""");

        using var response = await _client.SendAsync(Intent("orders", id, NewId(), """{"op":"merge","payload":{"a":2}}""").WithHeader("If-Match", "\"1\""));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("\"2\"", Header(response, "ETag"));
        AssertJson("""{"a":2}""", await GetDocumentAsync(id));
    }

    [Fact]
    public async Task AcceptedAnswer_CarriesTheIntentStatus()
    {
        var id = NewId();
        var key = NewId();

        using var response = await _client.PostIntentAsync("orders", id, key, """{"op":"set","payload":{"a":1}}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var body = await ReadJsonAsync(response);
        var status = body.RootElement;
        Assert.Equal("orders", status.GetProperty("resourceType").GetString());
        Assert.Equal(id, status.GetProperty("resourceId").GetString());
        Assert.Equal(key, status.GetProperty("idempotencyKey").GetString());
        Assert.Matches("^(in-progress|settled)$", status.GetProperty("state").GetString());
        Assert.False(string.IsNullOrWhiteSpace(status.GetProperty("message").GetString()));
        Assert.NotEmpty(status.GetProperty("timeline").EnumerateArray());
    }

    private async Task<JsonElement> GetDocumentAsync(string id)
    {
        using var response = await _client.GetAsync(new Uri($"/v1/resources/orders/{id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = await ReadJsonAsync(response);
        return body.RootElement.GetProperty("document").Clone();
    }

    private static string[] Members(JsonElement document) =>
        [.. document.GetProperty("tags").EnumerateArray().Select(tag => tag.GetString()!).Order(StringComparer.Ordinal)];

    private static void AssertJson(string expected, JsonElement actual) =>
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(expected).RootElement, actual), $"expected {expected}, got {actual.GetRawText()}");
}
