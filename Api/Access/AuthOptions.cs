namespace OrleansConsistency.Api.Access;

/// <summary>Who may call the API (<c>Api:Auth</c>): see the README's Security section.</summary>
internal sealed class AuthOptions
{
    /// <summary>The shortest bootstrap key accepted: a key is a password that never expires.</summary>
    public const int MinBootstrapKeyLength = 24;

    /// <summary>On (default) or Off.</summary>
    public AuthMode Mode { get; set; } = AuthMode.On;

    /// <summary>
    /// The first operator key of the default tenant, for scripts and containers (environment
    /// <c>Api__Auth__BootstrapKey</c>); used only while no active key exists. Without it, the first start makes a key
    /// and prints it once on the console.
    /// </summary>
    public string? BootstrapKey { get; set; }

    /// <summary>
    /// How often this process asks the key registry for changes (default 250 ms, one small grain call): about the longest a revoked key keeps
    /// working here.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Bearer tokens from an identity provider.</summary>
    public JwtSettings Jwt { get; set; } = new();
}
