using System.Net.Http.Headers;

namespace OrleansConsistency.TestSupport;

/// <summary>
/// The first operator key test APIs start with (<c>Api:Auth:BootstrapKey</c>), and clients that send it: the API
/// refuses requests without credentials, as it does for users.
/// </summary>
public static class TestApiKeys
{
    /// <summary>The bootstrap operator key of the default tenant.</summary>
    public const string Operator = "oc_test-operator-key-for-the-default-tenant";

    /// <summary>The configuration key that names it.</summary>
    public const string BootstrapSetting = "Api:Auth:BootstrapKey";

    /// <summary>The same, as an environment variable for API processes.</summary>
    public const string BootstrapEnvironment = "Api__Auth__BootstrapKey";

    /// <summary>Makes <paramref name="client"/> send <paramref name="key"/> on every request.</summary>
    public static HttpClient Authorize(this HttpClient client, string key = Operator)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>A client of an API process, sending the operator key.</summary>
    public static HttpClient ClientFor(Uri address, TimeSpan timeout) =>
        new HttpClient { BaseAddress = address, Timeout = timeout }.Authorize();
}
