using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OrleansConsistency.TestSupport;
using static OrleansConsistency.Api.Tests.ApiClient;

namespace OrleansConsistency.Api.Tests.Security;

/// <summary>
/// JWT bearer tokens from a configured issuer are the second way in, with the same tenant and roles claims as keys;
/// a token that is expired, for another audience or signed with another key is refused like a wrong key.
/// </summary>
public sealed class JwtAccessTests(JwtAccessTests.Factory factory) : IClassFixture<JwtAccessTests.Factory>
{
    private const string Issuer = "https://login.example.test/";
    private const string Audience = "orleansconsistency";
    private const string SigningKey = "a-test-signing-key-of-at-least-32-bytes-000";

    [Fact]
    public async Task AValidToken_WritesAndReadsInItsTenant()
    {
        using var client = ClientWith(Token("jwt-acme", ["writer"]));
        var id = NewId();
        using (var write = await client.PostIntentAsync("orders", id, NewId(), """{"op":"set","payload":{"n":1}}"""))
        {
            Assert.Equal(HttpStatusCode.Accepted, write.StatusCode);
        }

        Assert.Equal(1, await client.GetVersionAsync("orders", id));
        Assert.Equal((1, 1), await factory.CountStoredAsync("orders", id, "jwt-acme"));

        // The operator key of the default tenant does not see it: the token's tenant is its own.
        using var other = await factory.CreateClient().GetAsync($"/v1/resources/orders/{id}");
        await AssertProblemAsync(other, HttpStatusCode.NotFound, "resource-not-found");
    }

    [Fact]
    public async Task AReaderToken_CannotWrite()
    {
        using var client = ClientWith(Token("jwt-acme", ["reader"]));
        var id = NewId();
        using var write = await client.PostIntentAsync("orders", id, NewId(), """{"op":"set","payload":{"n":1}}""");
        await AssertProblemAsync(write, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal((0, 0), await factory.CountStoredAsync("orders", id, "jwt-acme"));
    }

    public static TheoryData<string> BadTokens => new() { "expired", "audience", "issuer", "signature", "no-tenant" };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task AToken_ThatIsNotValid_Answers401InvalidToken(string what)
    {
        var token = what switch
        {
            "expired" => Token("jwt-acme", ["writer"], expires: DateTime.UtcNow.AddMinutes(-5)),
            "audience" => Token("jwt-acme", ["writer"], audience: "someone-else"),
            "issuer" => Token("jwt-acme", ["writer"], issuer: "https://evil.example.test/"),
            "signature" => Token("jwt-acme", ["writer"], signingKey: "another-signing-key-of-at-least-32-bytes-00"),
            _ => Token(null, ["writer"]),
        };
        using var client = ClientWith(token);
        using var response = await client.GetAsync("/v1/resources/orders");
        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"{what}: {response.StatusCode}");
        if (what != "no-tenant")
        {
            await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
            Assert.Contains("Bearer", Header(response, "WWW-Authenticate"), StringComparison.Ordinal);
        }
    }

    private HttpClient ClientWith(string token) => factory.CreateAnonymousClient().Authorize(token);

    private static string Token(string? tenant, string[] roles, DateTime? expires = null, string audience = Audience, string issuer = Issuer, string signingKey = SigningKey)
    {
        var claims = new Dictionary<string, object> { ["roles"] = roles, ["sub"] = "jwt-test-user" };
        if (tenant is not null)
        {
            claims["tenant"] = tenant;
        }

        var until = expires ?? DateTime.UtcNow.AddMinutes(10);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            NotBefore = until.AddMinutes(-20),
            IssuedAt = until.AddMinutes(-20),
            Expires = until,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>The API trusting tokens of <see cref="Issuer"/> for <see cref="Audience"/>, signed with <see cref="SigningKey"/>.</summary>
    public sealed class Factory : ApiFactory
    {
        protected override void Configure(IWebHostBuilder builder)
        {
            builder.UseSetting("Api:Auth:Jwt:Issuer", Issuer);
            builder.UseSetting("Api:Auth:Jwt:Audience", Audience);
            builder.UseSetting("Api:Auth:Jwt:SigningKey", SigningKey);
        }
    }
}
