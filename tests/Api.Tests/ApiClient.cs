using System.Net;
using System.Text;
using System.Text.Json;

namespace OrleansConsistency.Api.Tests;

/// <summary>Requests and assertions shared by the API tests; bodies are raw JSON so each test controls the bytes sent.</summary>
internal static class ApiClient
{
    public const string ProblemPrefix = "urn:orleansconsistency:problem:";

    public static string NewId() => Guid.NewGuid().ToString("N");

    public static string IntentsPath(string type, string id) => $"/v1/resources/{type}/{id}/intents";

    public static HttpRequestMessage Intent(string type, string id, string? key, string json, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, IntentsPath(type, id))
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json)),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }

        return request;
    }

    public static Task<HttpResponseMessage> PostIntentAsync(this HttpClient client, string type, string id, string key, string json) =>
        client.SendAsync(Intent(type, id, key, json));

    /// <summary>Posts an intent that must be applied; returns the version it produced.</summary>
    public static async Task<long> ApplyAsync(this HttpClient client, string type, string id, string json)
    {
        using var response = await client.PostIntentAsync(type, id, NewId(), json);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var status = await ReadJsonAsync(response);
        return status.RootElement.GetProperty("version").GetInt64();
    }

    /// <summary>The resource's version, also when it answers 404 (never created: 0; deleted: the delete's version).</summary>
    public static async Task<long> GetVersionAsync(this HttpClient client, string type, string id)
    {
        using var response = await client.GetAsync(new Uri($"/v1/resources/{type}/{id}", UriKind.Relative));
        using var body = await ReadJsonAsync(response);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"GET answered {(int)response.StatusCode}");
        return body.RootElement.GetProperty("version").GetInt64();
    }

    public static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync());

    /// <summary>Asserts a problem answer: status, stable type, a detail for people and the ids for support; returns its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string slug)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(ProblemPrefix + slug, problem.GetProperty("type").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("traceId").GetString()));
        Assert.Equal(Header(response, "X-Correlation-Id"), problem.GetProperty("correlationId").GetString());
        return problem;
    }

    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values)
            : null;

    public static bool IsReplay(HttpResponseMessage response) => Header(response, "Idempotent-Replayed") == "true";

    public static HttpRequestMessage WithHeader(this HttpRequestMessage request, string name, string value)
    {
        request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }
}
