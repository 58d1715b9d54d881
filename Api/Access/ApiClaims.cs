using System.Security.Claims;
using OrleansConsistency.Grains.Interfaces.Resources;

namespace OrleansConsistency.Api.Access;

/// <summary>
/// The claims a caller carries, named as in a JWT so keys and tokens read the same: <c>tenant</c>, <c>roles</c>, and
/// <c>key_id</c> for API keys.
/// </summary>
internal static class ApiClaims
{
    public const string Tenant = "tenant";

    public const string Roles = "roles";

    public const string KeyId = "key_id";

    public const string Subject = "sub";

    /// <summary>The caller's tenant, or null when it names none or an invalid one.</summary>
    public static string? TenantOf(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var tenant = user.FindFirst(Tenant)?.Value;
        return ResourceTenant.IsValid(tenant) ? tenant : null;
    }

    /// <summary>The caller's tenant, for endpoints the authorization policies let through (they demand one).</summary>
    /// <exception cref="InvalidOperationException">The endpoint is not behind a policy that requires a tenant.</exception>
    public static string RequireTenant(HttpContext context) =>
        TenantOf(context.User) ?? throw new InvalidOperationException($"{context.Request.Path} is not behind an access policy.");

    /// <summary>True when the caller holds a role that covers <paramref name="needed"/>.</summary>
    public static bool Holds(ClaimsPrincipal user, string needed) =>
        user.FindAll(Roles).Any(claim => ApiRoles.IsKnown(claim.Value) && ApiRoles.Covers(claim.Value, needed));

    /// <summary>What limits and logs name the caller by: its key id, or a token's subject.</summary>
    public static string CallerOf(ClaimsPrincipal user) =>
        user.FindFirst(KeyId)?.Value ?? user.FindFirst(Subject)?.Value ?? "unknown";

    /// <summary>A principal for an API key.</summary>
    public static ClaimsPrincipal ForKey(string scheme, string keyId, string tenant, IEnumerable<string> roles)
    {
        var identity = new ClaimsIdentity(scheme, KeyId, Roles);
        identity.AddClaim(new Claim(KeyId, keyId));
        identity.AddClaim(new Claim(Tenant, tenant));
        foreach (var role in roles)
        {
            identity.AddClaim(new Claim(Roles, role));
        }

        return new ClaimsPrincipal(identity);
    }
}
