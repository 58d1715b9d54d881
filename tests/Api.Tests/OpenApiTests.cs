using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
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
    public async Task EveryMappedEndpoint_IsDescribed_WithTheStatusCodesItsMetadataAndMiddlewareAnswer()
    {
        using var document = await ReadDocumentAsync(_client);

        var mapped = DescribedEndpoints(factory.Services).ToList();
        Assert.NotEmpty(mapped);
        foreach (var (path, method, endpoint) in mapped)
        {
            var responses = Operation(document, path, method).GetProperty("responses");
            foreach (var status in ExpectedStatuses(endpoint))
            {
                Assert.True(responses.TryGetProperty(status.ToString(CultureInfo.InvariantCulture), out _), $"{method} {path} does not describe {status}");
            }
        }

        // Nothing is described that is not mapped (the pages, Orleans' dashboard and /docs are excluded on purpose).
        var described = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => (p.Name, o.Name.ToUpperInvariant())));
        Assert.Equal(mapped.Select(m => (m.Path, m.Method)).Order(), described.Order());
    }

    [Fact]
    public async Task EveryDescribedOperation_CalledWithoutCredentials_AnswersAStatusItDescribes()
    {
        using var document = await ReadDocumentAsync(_client);
        using var anonymous = factory.CreateAnonymousClient();

        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            var uri = new Uri(Regex.Replace(path.Name, "{[^}]+}", "x"), UriKind.Relative);
            foreach (var operation in path.Value.EnumerateObject())
            {
                using var request = new HttpRequestMessage(new HttpMethod(operation.Name.ToUpperInvariant()), uri);
                using var response = await anonymous.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                var status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                Assert.True(operation.Value.GetProperty("responses").TryGetProperty(status, out _), $"{operation.Name} {path.Name} answered {status}, which it does not describe");
            }
        }
    }

    [Fact]
    public async Task FaultInjectionEndpoints_AreDescribedOnlyWhenMapped()
    {
        using var off = await ReadDocumentAsync(_client);
        Assert.DoesNotContain(off.RootElement.GetProperty("paths").EnumerateObject(), p => p.Name.Contains("/faults", StringComparison.Ordinal));

        using var faultsOn = new FaultInjectionFactory();
        using var on = await ReadDocumentAsync(faultsOn.CreateClient());
        Assert.True(Operation(on, "/admin/faults", "GET").TryGetProperty("responses", out _));
        foreach (var action in new[] { "pause", "resume" })
        {
            var responses = Operation(on, $"/ops/faults/consumers/{{name}}/{action}", "POST").GetProperty("responses");
            Assert.Equal(["204", "401", "403", "404", "429", "503"], responses.EnumerateObject().Select(r => r.Name).Order());
        }
    }

    [Fact]
    public async Task Docs_AreServedHere_AndLoadNothingFromElsewhere()
    {
        using var anonymous = factory.CreateAnonymousClient();
        using var response = await anonymous.GetAsync(new Uri("/docs", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"url\":\"openapi/v1.json\"", html, StringComparison.Ordinal);
        Assert.DoesNotMatch("(?i)(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}", html);
        Assert.Contains("connect-src 'self'", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);

        // Every script the page loads is this API's and is served.
        var scripts = Regex.Matches(html, "<script[^>]*src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            using var js = await anonymous.GetAsync(new Uri(new Uri("http://localhost/docs/"), script));
            Assert.Equal(HttpStatusCode.OK, js.StatusCode);
        }
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/ops")]
    public async Task BothPages_LinkToTheReference(string page)
    {
        using var anonymous = factory.CreateAnonymousClient();
        var html = await anonymous.GetStringAsync(new Uri(page, UriKind.Relative));

        Assert.Contains("href=\"/docs\"", html, StringComparison.Ordinal);
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

    private static async Task<JsonDocument> ReadDocumentAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadJsonAsync(response);
    }

    private static JsonElement Operation(JsonDocument document, string path, string method) =>
        document.RootElement.GetProperty("paths").GetProperty(path).GetProperty(method.ToLowerInvariant());

    /// <summary>Every endpoint the API maps and does not exclude from its description, as the document spells its path.</summary>
    private static IEnumerable<(string Path, string Method, RouteEndpoint Endpoint)> DescribedEndpoints(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (DocumentPath(e), m, e)));

    private static string DocumentPath(RouteEndpoint endpoint)
    {
        var path = Regex.Replace(endpoint.RoutePattern.RawText!, "{\\*{0,2}([^}:=?]+)[^}]*}", "{$1}");
        path = "/" + path.Trim('/');
        return path;
    }

    /// <summary>
    /// What the endpoint can answer: what it declares, and what the middleware in front of it answers (see Program):
    /// 401/403 and 429 unless it is anonymous, 503 (load shedding) unless it disables rate limiting.
    /// </summary>
    private static HashSet<int> ExpectedStatuses(RouteEndpoint endpoint)
    {
        var statuses = endpoint.Metadata.OfType<IProducesResponseTypeMetadata>().Select(p => p.StatusCode).ToHashSet();
        if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null)
        {
            statuses.UnionWith([StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests]);
        }

        if (endpoint.Metadata.GetMetadata<DisableRateLimitingAttribute>() is null)
        {
            statuses.Add(StatusCodes.Status503ServiceUnavailable);
        }

        return statuses;
    }

    private sealed class FaultInjectionFactory : ApiFactory
    {
        protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("Api:FaultInjection", "true");
    }
}
