using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OrleansConsistency.TestSupport;
using static OrleansConsistency.Api.Tests.ApiClient;

namespace OrleansConsistency.Api.Tests.Security;

/// <summary>
/// Who may do what: every protected endpoint (found from the routing table, so a new one cannot be forgotten) refuses
/// missing or wrong credentials with 401 and a missing role with 403, and a refused request changes nothing.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class AccessTests(ApiFactory factory)
{
    private readonly HttpClient _operator = factory.CreateClient();

    [Fact]
    public async Task EveryProtectedEndpoint_WithoutCredentials_Answers401WithAChallenge_AndChangesNothing()
    {
        using var anonymous = factory.CreateAnonymousClient();
        var before = await factory.CountAllStoredAsync();
        var endpoints = ProtectedEndpoints();
        Assert.True(endpoints.Count >= 15, $"only {endpoints.Count} protected endpoints found");

        foreach (var (method, path) in endpoints)
        {
            using var response = await anonymous.SendAsync(Request(method, path));
            var problem = await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
            Assert.Contains("Bearer realm=", Header(response, "WWW-Authenticate"), StringComparison.Ordinal);
            Assert.DoesNotContain("invalid_token", Header(response, "WWW-Authenticate"), StringComparison.Ordinal);
            Assert.Contains("credentials", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(before, await factory.CountAllStoredAsync());
    }

    [Fact]
    public async Task AWrongKey_Answers401InvalidToken_OnEveryProtectedEndpoint()
    {
        using var wrong = factory.CreateAnonymousClient().Authorize("oc_not-a-key-anyone-was-given-0000000000");
        foreach (var (method, path) in ProtectedEndpoints())
        {
            using var response = await wrong.SendAsync(Request(method, path));
            await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
            Assert.Contains("error=\"invalid_token\"", Header(response, "WWW-Authenticate"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AReaderKey_ReadsButEveryWriteAndOperatorEndpointAnswers403_AndChangesNothing()
    {
        using var reader = await IssuedKeys.NewClientAsync(factory, _operator, "default", "reader");
        var id = NewId();
        await _operator.ApplyAsync("orders", id, """{"op":"set","payload":{"status":"open"}}""");
        var before = await factory.CountAllStoredAsync();

        using (var read = await reader.GetAsync($"/v1/resources/orders/{id}"))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        foreach (var (method, path) in ProtectedEndpoints().Where(e => e.Method != "GET" || IsOperatorPath(e.Path)))
        {
            using var response = await reader.SendAsync(Request(method, path.Replace(PlaceholderId, id, StringComparison.Ordinal)));
            var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
            Assert.Contains("role", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(before, await factory.CountAllStoredAsync());
    }

    [Fact]
    public async Task AKey_WorksInTheXApiKeyHeader_AndAsBasicPassword()
    {
        var id = NewId();
        await _operator.ApplyAsync("orders", id, """{"op":"set","payload":{"n":1}}""");
        using var anonymous = factory.CreateAnonymousClient();

        using var viaHeader = new HttpRequestMessage(HttpMethod.Get, $"/v1/resources/orders/{id}").WithHeader("X-Api-Key", TestApiKeys.Operator);
        using (var response = await anonymous.SendAsync(viaHeader))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using var viaBasic = new HttpRequestMessage(HttpMethod.Get, $"/v1/resources/orders/{id}");
        viaBasic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("anyone:" + TestApiKeys.Operator)));
        using (var response = await anonymous.SendAsync(viaBasic))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task ARevokedKey_StopsWorking_AndItsListEntrySaysSo()
    {
        var (keyId, key) = await IssuedKeys.CreateAsync(_operator, "default", "reader");
        using var holder = IssuedKeys.ClientWith(factory, key);
        using (var before = await holder.GetAsync("/v1/resources/orders"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var revoke = await _operator.DeleteAsync($"/v1/admin/keys/{keyId}"))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
            using var body = await ReadJsonAsync(revoke);
            Assert.NotEqual(System.Text.Json.JsonValueKind.Null, body.RootElement.GetProperty("revokedAt").ValueKind);
        }

        using (var after = await holder.GetAsync("/v1/resources/orders"))
        {
            await AssertProblemAsync(after, HttpStatusCode.Unauthorized, "unauthorized");
        }

        using var list = await _operator.GetStringAsync("/v1/admin/keys") is { } text ? System.Text.Json.JsonDocument.Parse(text) : null;
        var listed = list!.RootElement.EnumerateArray().Single(k => k.GetProperty("id").GetString() == keyId);
        Assert.False(listed.TryGetProperty("key", out _), "a key is shown only when made");
    }

    [Fact]
    public async Task AnotherTenantsOperator_ManagesOnlyItsOwnKeys_AndCannotReachClusterWidePages()
    {
        using var acme = await IssuedKeys.NewClientAsync(factory, _operator, "acme-ops", "operator");
        var (otherId, _) = await IssuedKeys.CreateAsync(_operator, "globex-ops", "reader");

        var listed = System.Text.Json.JsonDocument.Parse(await acme.GetStringAsync("/v1/admin/keys")).RootElement;
        Assert.All(listed.EnumerateArray(), k => Assert.Equal("acme-ops", k.GetProperty("tenant").GetString()));

        using (var revoke = await acme.DeleteAsync($"/v1/admin/keys/{otherId}"))
        {
            await AssertProblemAsync(revoke, HttpStatusCode.NotFound, "key-not-found");
        }

        using (var forOther = await acme.PostAsync("/v1/admin/keys", new StringContent("""{"tenant":"globex-ops","roles":["operator"]}""", Encoding.UTF8, "application/json")))
        {
            await AssertProblemAsync(forOther, HttpStatusCode.Forbidden, "forbidden");
        }

        foreach (var path in ProtectedEndpoints().Where(e => e.Method == "GET" && IsOperatorPath(e.Path) && !e.Path.StartsWith("/v1/", StringComparison.Ordinal)).Select(e => e.Path))
        {
            using var response = await acme.GetAsync(path);
            await AssertProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        }
    }

    [Fact]
    public async Task BadKeyRequests_Answer400_AndMakeNoKey()
    {
        var before = (await _operator.GetStringAsync("/v1/admin/keys")).Length;
        foreach (var body in new[] { "not json", """{"roles":[]}""", """{"roles":["admin"]}""", """{"tenant":"Not A Tenant","roles":["reader"]}""", "{\"roles\":[\"reader\"],\"name\":\"" + new string('n', 101) + "\"}" })
        {
            using var response = await _operator.PostAsync("/v1/admin/keys", new StringContent(body, Encoding.UTF8, "application/json"));
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-key-request");
        }

        Assert.Equal(before, (await _operator.GetStringAsync("/v1/admin/keys")).Length);
    }

    private const string PlaceholderId = "access-test-id";

    private static bool IsOperatorPath(string path) =>
        path.StartsWith("/metrics", StringComparison.Ordinal) || path.StartsWith("/ops/", StringComparison.Ordinal)
        || path.StartsWith("/admin/", StringComparison.Ordinal) || path.StartsWith("/v1/admin/", StringComparison.Ordinal)
        || path.StartsWith("/dashboard", StringComparison.Ordinal);

    /// <summary>Every endpoint that is not marked anonymous, with its route values filled in, from the routing table itself.</summary>
    private List<(string Method, string Path)> ProtectedEndpoints()
    {
        var sources = factory.Services.GetServices<EndpointDataSource>();
        return [.. sources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null && endpoint.RoutePattern.RawText is not null)
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => (method, Fill(endpoint.RoutePattern.RawText!))))
            .Distinct()];
    }

    private static string Fill(string template)
    {
        var path = Parameter().Replace(template, match => match.Value.Contains(":int", StringComparison.Ordinal) ? "1" : match.Groups["name"].Value switch
        {
            "type" => "orders",
            "id" => PlaceholderId,
            "key" => "k1",
            "keyId" => "key_0000000000000000",
            "name" => "read-model",
            _ => "x",
        });
        return path.StartsWith('/') ? path : "/" + path;
    }

    private static HttpRequestMessage Request(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("""{"op":"set","payload":{"n":1},"tenant":"default","roles":["reader"]}""", Encoding.UTF8, "application/json");
            request.Headers.Add("Idempotency-Key", NewId());
        }

        return request;
    }

    [GeneratedRegex(@"\{\**(?<name>[A-Za-z]+)[^}]*\}")]
    private static partial Regex Parameter();
}
