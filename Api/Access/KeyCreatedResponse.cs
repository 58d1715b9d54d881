namespace OrleansConsistency.Api.Access;

/// <summary>A key just made: the only answer that ever shows <paramref name="Key"/>.</summary>
internal sealed record KeyCreatedResponse(string Id, string Key, string Tenant, IReadOnlyList<string> Roles, string Name, DateTimeOffset CreatedAt);
