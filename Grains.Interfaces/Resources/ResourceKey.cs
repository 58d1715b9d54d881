using System.Text.RegularExpressions;

namespace OrleansConsistency.Grains.Interfaces.Resources;

/// <summary>
/// Names a resource: its tenant, its type (e.g. <c>orders</c>) and its id. Everything stored or streamed for it is
/// addressed by <see cref="ScopedType"/>, which is the bare type in the default tenant (so data from before tenants
/// existed is the default tenant's) and <c>{type}@{tenant}</c> in any other: the grain key is <c>{scoped type}/{id}</c>,
/// its stream (<c>resource/{scoped type}</c>, <c>{id}</c>), its rows in the read model and the event log likewise.
/// Settings, consumers and metrics go by the bare <see cref="Type"/>: a type behaves the same in every tenant.
/// </summary>
/// <param name="Type">Lower-case letters, digits and dashes, starting with a letter; at most 64 characters.</param>
/// <param name="Id">Letters, digits and <c>. _ ~ - : @</c>, starting with a letter or digit; at most 200 characters.</param>
/// <param name="Tenant">Who it belongs to (<see cref="ResourceTenant"/>); the default tenant when not named.</param>
public readonly partial record struct ResourceKey(string Type, string Id, string Tenant = ResourceTenant.Default)
{
    /// <summary>The stream namespace prefix of resource streams.</summary>
    public const string StreamNamespacePrefix = "resource/";

    /// <summary>
    /// Between the type and the tenant in a scoped type. No type or tenant holds it, and after the type (not before)
    /// it keeps a type's rows together: <c>{type}/</c> and <c>{type}@</c> are the two prefixes of every resource of a
    /// type in any tenant.
    /// </summary>
    public const char TenantSeparator = '@';

    /// <summary>The type as storage and streams address it: <c>{type}</c> in the default tenant, else <c>{type}@{tenant}</c>.</summary>
    public string ScopedType => ScopeOf(Tenant, Type);

    /// <summary>The grain key: <c>{scoped type}/{id}</c>.</summary>
    public string GrainKey => $"{ScopedType}/{Id}";

    /// <summary>The namespace of this resource's stream (shared by every resource of its type in its tenant).</summary>
    public string StreamNamespace => StreamNamespacePrefix + ScopedType;

    /// <summary>The scoped type of <paramref name="type"/> in <paramref name="tenant"/>; see <see cref="ScopedType"/>.</summary>
    public static string ScopeOf(string? tenant, string type) =>
        tenant is null || tenant == ResourceTenant.Default ? type : $"{type}{TenantSeparator}{tenant}";

    /// <summary>Creates a key, or throws when the type, id or tenant is not valid.</summary>
    /// <exception cref="ArgumentException">The type, id or tenant does not match its rule.</exception>
    public static ResourceKey Create(string type, string id, string tenant = ResourceTenant.Default)
    {
        if (!IsValidType(type))
        {
            throw new ArgumentException($"Resource type '{type}' is not valid: use 1–64 lower-case letters, digits or dashes, starting with a letter.", nameof(type));
        }

        if (!IsValidId(id))
        {
            throw new ArgumentException($"Resource id '{id}' is not valid: use 1–200 letters, digits or . _ ~ - : @, starting with a letter or digit.", nameof(id));
        }

        if (!ResourceTenant.IsValid(tenant))
        {
            throw new ArgumentException($"Tenant '{tenant}' is not valid: {ResourceTenant.Rule}.", nameof(tenant));
        }

        return new ResourceKey(type, id, tenant);
    }

    /// <summary>Parses a scoped type (<c>{type}</c> or <c>{type}@{tenant}</c>) and an id.</summary>
    /// <exception cref="ArgumentException">The scoped type, its tenant or the id is not valid.</exception>
    public static ResourceKey FromScoped(string scopedType, string id)
    {
        ArgumentNullException.ThrowIfNull(scopedType);
        var separator = scopedType.IndexOf(TenantSeparator, StringComparison.Ordinal);
        return separator < 0
            ? Create(scopedType, id)
            : Create(scopedType[..separator], id, scopedType[(separator + 1)..]);
    }

    /// <summary>Parses a grain key <c>{scoped type}/{id}</c>.</summary>
    /// <exception cref="ArgumentException">The key is not of that form.</exception>
    public static ResourceKey ParseGrainKey(string grainKey)
    {
        ArgumentNullException.ThrowIfNull(grainKey);
        var slash = grainKey.IndexOf('/', StringComparison.Ordinal);
        return slash < 0
            ? throw new ArgumentException($"Resource grain key '{grainKey}' is not of the form {{type}}/{{id}}.", nameof(grainKey))
            : FromScoped(grainKey[..slash], grainKey[(slash + 1)..]);
    }

    /// <summary>True when the type matches its rule.</summary>
    public static bool IsValidType(string? type) => type is not null && TypePattern().IsMatch(type);

    /// <summary>True when the id matches its rule.</summary>
    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <inheritdoc />
    public override string ToString() => GrainKey;

    [GeneratedRegex("^[a-z][a-z0-9-]{0,63}$")]
    private static partial Regex TypePattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._~:@-]{0,199}$")]
    private static partial Regex IdPattern();
}
