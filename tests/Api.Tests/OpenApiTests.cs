using System.Net;
using System.Text.Json;
using static OrleansConsistency.Api.Tests.ApiClient;

namespace OrleansConsistency.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class OpenApiTests(ApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task OpenApiDocument_IsServed_AndDescribesTheIntentEndpoints()
    {
        using var response = await _client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = await ReadJsonAsync(response);
        var paths = document.RootElement.GetProperty("paths");
        var submit = paths.GetProperty("/v1/resources/{type}/{id}/intents").GetProperty("post");
        Assert.Equal("SubmitIntent", submit.GetProperty("operationId").GetString());
        var key = submit.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "Idempotency-Key");
        Assert.Equal("header", key.GetProperty("in").GetString());
        Assert.True(key.GetProperty("required").GetBoolean());
        var body = submit.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.Equal(["op"], body.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains("merge", body.GetProperty("properties").GetProperty("op").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        var responses = submit.GetProperty("responses");
        foreach (var status in new[] { "202", "400", "409", "412", "413", "415", "422", "503" })
        {
            Assert.True(responses.TryGetProperty(status, out _), $"status {status} is not described");
        }

        Assert.True(responses.GetProperty("202").GetProperty("headers").TryGetProperty("Location", out _));
        Assert.True(paths.GetProperty("/v1/resources/{type}/{id}/intents/{key}").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/v1/resources/{type}/{id}").TryGetProperty("get", out _));
    }

    [Fact]
    public async Task HealthLive_Answers200()
    {
        using var response = await _client.GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(Header(response, "X-Correlation-Id"));
    }

    [Fact]
    public async Task WireFormat_UsesCamelCaseAndOperationNames()
    {
        using var response = await _client.PostIntentAsync("carts", NewId(), NewId(), """{"op":"set","payload":{}}""");

        using var status = await ReadJsonAsync(response);
        Assert.Equal(JsonValueKind.String, status.RootElement.GetProperty("state").ValueKind);
        Assert.Equal("received", status.RootElement.GetProperty("timeline")[0].GetProperty("name").GetString());
    }
}
