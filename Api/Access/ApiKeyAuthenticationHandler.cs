using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OrleansConsistency.Grains.Interfaces.Resources;

namespace OrleansConsistency.Api.Access;

/// <summary>
/// Authenticates API keys: from <c>X-Api-Key</c>, <c>Authorization: Bearer</c>, the password of
/// <c>Authorization: Basic</c> (what a browser's login prompt for the dashboard sends), or, for event streams only,
/// the <c>access_token</c> query parameter (a browser's EventSource cannot send headers). With
/// <see cref="AuthMode.Off"/> every request is an operator of the default tenant.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyDirectory directory,
    IOptions<ApiOptions> apiOptions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";

    public const string HeaderName = "X-Api-Key";

    public const string QueryName = "access_token";

    // Longer is not a key of ours; refused before hashing.
    private const int MaxKeyLength = 256;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (apiOptions.Value.Auth.Mode == AuthMode.Off)
        {
            // A request that came from elsewhere (TestServer has no address) still needs a key.
            var remote = Context.Connection.RemoteIpAddress;
            if (remote is null || System.Net.IPAddress.IsLoopback(remote))
            {
                return Success(ApiClaims.ForKey(SchemeName, "open-access", ResourceTenant.Default, ApiRoles.All));
            }
        }

        var key = KeyOf(Request);
        if (string.IsNullOrEmpty(key))
        {
            return AuthenticateResult.NoResult();
        }

        if (key.Length > MaxKeyLength)
        {
            return AuthenticateResult.Fail("The key is longer than any API key.");
        }

        var entry = await directory.FindAsync(key, Context.RequestAborted).ConfigureAwait(false);
        return entry is null
            ? AuthenticateResult.Fail("The key is unknown or revoked.")
            : Success(ApiClaims.ForKey(SchemeName, entry.Id, entry.Tenant, entry.Roles));
    }

    /// <summary>The key a request presents, or null when it presents none.</summary>
    public static string? KeyOf(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Headers.TryGetValue(HeaderName, out var header) && !string.IsNullOrEmpty(header))
        {
            return header.ToString();
        }

        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return BasicPassword(authorization["Basic ".Length..].Trim());
        }

        return IsEventStream(request) && request.Query.TryGetValue(QueryName, out var query) && !string.IsNullOrEmpty(query)
            ? query.ToString()
            : null;
    }

    private static bool IsEventStream(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && request.Path.Value?.EndsWith("/events", StringComparison.Ordinal) == true;

    private static string? BasicPassword(string encoded)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : text[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private AuthenticateResult Success(System.Security.Claims.ClaimsPrincipal principal) =>
        AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
}
