using Orleans;

namespace OrleansConsistency.Grains.Interfaces.Access;

/// <summary>
/// One API key as the registry keeps it: never the key itself, only its SHA-256 hash, so a copy of the database or of
/// a registry snapshot cannot be used to call the API.
/// </summary>
/// <param name="Id">The key's public id, e.g. <c>key_3f9a…</c>: what lists and revocations name.</param>
/// <param name="Name">What the key is for, as its creator put it.</param>
/// <param name="Tenant">The tenant every request made with it acts in.</param>
/// <param name="Roles">What it may do: <c>reader</c>, <c>writer</c>, <c>operator</c>.</param>
/// <param name="Hash">The lower-case hex SHA-256 of the key.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="RevokedAt">When it was revoked; null while it works.</param>
[GenerateSerializer]
[Alias("oc.ApiKeyEntry")]
public sealed record ApiKeyEntry(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Tenant,
    [property: Id(3)] IReadOnlyList<string> Roles,
    [property: Id(4)] string Hash,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset? RevokedAt = null)
{
    /// <summary>True while the key may be used.</summary>
    public bool IsActive => RevokedAt is null;
}
