using OrleansConsistency.Grains.Interfaces.Access;

namespace OrleansConsistency.Api.Access;

/// <summary>A key as lists show it: everything but the secret, which is not kept.</summary>
internal sealed record KeyListItem(string Id, string Name, string Tenant, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static KeyListItem From(ApiKeyEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new(entry.Id, entry.Name, entry.Tenant, entry.Roles, entry.CreatedAt, entry.RevokedAt);
    }
}
