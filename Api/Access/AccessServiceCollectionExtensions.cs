using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace OrleansConsistency.Api.Access;

/// <summary>Registers who may call the API: API keys, JWTs when configured, the policies and their problems.</summary>
internal static class AccessServiceCollectionExtensions
{
    // Picks the scheme per request, so an endpoint names a policy and not how its caller signed in.
    private const string SelectorScheme = "ApiKeyOrJwt";

    public static IServiceCollection AddApiAccess(this IServiceCollection services, IConfiguration configuration)
    {
        var jwt = configuration.GetSection($"{ApiOptions.SectionName}:Auth:Jwt").Get<JwtSettings>() ?? new JwtSettings();
        var authentication = services.AddAuthentication(SelectorScheme)
            .AddPolicyScheme(SelectorScheme, "API key or JWT", scheme => scheme.ForwardDefaultSelector = context =>
                jwt.Enabled && LooksLikeJwt(context.Request) ? JwtBearerDefaults.AuthenticationScheme : ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, _ => { });
        if (jwt.Enabled)
        {
            authentication.AddJwtBearer(bearer =>
            {
                // Claims keep their JWT names (tenant, roles), the names API keys use too.
                bearer.MapInboundClaims = false;
                bearer.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = jwt.Issuer,
                    ValidAudience = jwt.Audience,
                    IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(jwt.SigningKey!)),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    ClockSkew = jwt.ClockSkew,
                    RoleClaimType = ApiClaims.Roles,
                    NameClaimType = ApiClaims.Subject,
                };
            });
        }

        services.AddAuthorization(ApiPolicies.Add);
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AccessProblemsHandler>();
        services.AddSingleton<ApiKeyDirectory>();
        services.AddHostedService(provider => provider.GetRequiredService<ApiKeyDirectory>());
        services.AddHostedService<FirstKey>();
        services.AddHostedService<OpenAccessGuard>();
        return services;
    }

    // A JWT is three base64url parts with dots between; API keys have no dots.
    private static bool LooksLikeJwt(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Count(c => c == '.') == 2;
    }
}
