using Microsoft.AspNetCore.Authorization;
using OrleansConsistency.Grains.Interfaces.Resources;

namespace OrleansConsistency.Api.Access;

/// <summary>
/// The authorization policies endpoints name. Each needs an authenticated caller with a valid tenant and a role
/// that covers the policy's; <see cref="OperateCluster"/> also needs the default tenant, because what it shows or
/// changes (metrics, every consumer, fault injection, Orleans' dashboard) spans all tenants.
/// </summary>
internal static class ApiPolicies
{
    public const string Read = "read";

    public const string Write = "write";

    public const string Operate = "operate";

    public const string OperateCluster = "operate-cluster";

    public static void Add(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(Read, Needs(ApiRoles.Reader, clusterWide: false));
        options.AddPolicy(Write, Needs(ApiRoles.Writer, clusterWide: false));
        options.AddPolicy(Operate, Needs(ApiRoles.Operator, clusterWide: false));
        options.AddPolicy(OperateCluster, Needs(ApiRoles.Operator, clusterWide: true));

        // An endpoint that names no policy (and is not AllowAnonymous) still needs credentials.
        options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
    }

    private static AuthorizationPolicy Needs(string role, bool clusterWide) => new AuthorizationPolicyBuilder()
        .RequireAuthenticatedUser()
        .RequireAssertion(context =>
            ApiClaims.TenantOf(context.User) is { } tenant
            && ApiClaims.Holds(context.User, role)
            && (!clusterWide || tenant == ResourceTenant.Default))
        .Build();
}
