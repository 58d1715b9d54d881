using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Api.Tests.Security;

/// <summary>Keys made through <c>POST /v1/admin/keys</c>, as an operator makes them, and clients that send them.</summary>
public static class IssuedKeys
{
    /// <summary>A key made with the operator client <paramref name="operatorClient"/>: its id and the key itself.</summary>
    public static async Task<(string Id, string Key)> CreateAsync(HttpClient operatorClient, string tenant, params string[] roles)
    {
        using var response = await operatorClient.PostAsJsonAsync("/v1/admin/keys", new { tenant, roles, name = $"test {tenant} {string.Join('+', roles)}" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (body.RootElement.GetProperty("id").GetString()!, body.RootElement.GetProperty("key").GetString()!);
    }

    /// <summary>A client of <paramref name="factory"/> that sends <paramref name="key"/> instead of the operator key.</summary>
    public static HttpClient ClientWith(ApiFactory factory, string key)
    {
        var client = factory.CreateAnonymousClient();
        client.Authorize(key);
        return client;
    }

    /// <summary>A client of <paramref name="factory"/> holding a new key of <paramref name="tenant"/> with <paramref name="roles"/>.</summary>
    public static async Task<HttpClient> NewClientAsync(ApiFactory factory, HttpClient operatorClient, string tenant, params string[] roles) =>
        ClientWith(factory, (await CreateAsync(operatorClient, tenant, roles)).Key);
}
