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

    /// <summary>The start-up checks of <c>Api:Auth</c>, with <see cref="ApiOptions"/>' other checks.</summary>
    public static OptionsBuilder<ApiOptions> ValidateAccess(this OptionsBuilder<ApiOptions> options) => options
        .Validate(o => o.Auth.RefreshInterval >= TimeSpan.FromMilliseconds(50), "Api:Auth:RefreshInterval must be at least 50 ms.")
        .Validate(
            o => o.Auth.BootstrapKey is null || o.Auth.BootstrapKey.Length >= AuthOptions.MinBootstrapKeyLength,
            $"Api:Auth:BootstrapKey must be at least {AuthOptions.MinBootstrapKeyLength} characters: it is a password that never expires.")
        .Validate(
            o => o.Auth.BootstrapKey is null || o.Auth.BootstrapKey.All(c => c is > ' ' and < (char)127),
            "Api:Auth:BootstrapKey must be printable ASCII without spaces, so it fits a header.")
        .Validate(
            o => !o.Auth.Jwt.Enabled || Encoding.UTF8.GetByteCount(o.Auth.Jwt.SigningKey!) >= 32,
            "Api:Auth:Jwt:SigningKey must be at least 32 bytes.")
        .Validate(
            o => !o.Auth.Jwt.Enabled || (!string.IsNullOrEmpty(o.Auth.Jwt.Issuer) && !string.IsNullOrEmpty(o.Auth.Jwt.Audience)),
            "Api:Auth:Jwt needs Issuer and Audience along with SigningKey.");

    // A JWT is three base64url parts with dots between; API keys have no dots.
    private static bool LooksLikeJwt(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Count(c => c == '.') == 2;
    }
}
