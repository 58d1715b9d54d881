namespace OrleansConsistency.Api.Access;

/// <summary>
/// Bearer tokens from an identity provider (<c>Api:Auth:Jwt</c>): off until <see cref="SigningKey"/> is set. Tokens
/// must be signed with it (HMAC-SHA256), come from <see cref="Issuer"/> for <see cref="Audience"/>, be unexpired, and
/// carry the claims <c>tenant</c> and <c>roles</c> as API keys do.
/// </summary>
internal sealed class JwtSettings
{
    /// <summary>The <c>iss</c> tokens must have.</summary>
    public string? Issuer { get; set; }

    /// <summary>The <c>aud</c> tokens must have.</summary>
    public string? Audience { get; set; }

    /// <summary>The shared signing key, at least 32 bytes of UTF-8.</summary>
    public string? SigningKey { get; set; }

    /// <summary>How far a token's times may be off (default 30 s).</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>True when JWTs are accepted.</summary>
    public bool Enabled => !string.IsNullOrEmpty(SigningKey);
}
