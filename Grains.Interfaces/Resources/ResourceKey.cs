using System.Text.RegularExpressions;

namespace OrleansConsistency.Grains.Interfaces.Resources;

/// <summary>
/// Names a resource: its type (e.g. <c>orders</c>) and its id. The resource grain's key is <c>{type}/{id}</c> and
/// its stream is (<c>resource/{type}</c>, <c>{id}</c>).
/// </summary>
/// <param name="Type">Lower-case letters, digits and dashes, starting with a letter; at most 64 characters.</param>
/// <param name="Id">Letters, digits and <c>. _ ~ - : @</c>, starting with a letter or digit; at most 200 characters.</param>
public readonly partial record struct ResourceKey(string Type, string Id)
{
    /// <summary>The stream namespace prefix of resource streams.</summary>
    public const string StreamNamespacePrefix = "resource/";

    /// <summary>The grain key: <c>{type}/{id}</c>.</summary>
    public string GrainKey => $"{Type}/{Id}";

    /// <summary>The namespace of this resource type's streams.</summary>
    public string StreamNamespace => StreamNamespacePrefix + Type;

    /// <summary>Creates a key, or throws when the type or id is not valid.</summary>
    /// <exception cref="ArgumentException">The type or id does not match its rule.</exception>
    public static ResourceKey Create(string type, string id)
    {
        if (!IsValidType(type))
        {
            throw new ArgumentException($"Resource type '{type}' is not valid: use 1–64 lower-case letters, digits or dashes, starting with a letter.", nameof(type));
        }

        if (!IsValidId(id))
        {
            throw new ArgumentException($"Resource id '{id}' is not valid: use 1–200 letters, digits or . _ ~ - : @, starting with a letter or digit.", nameof(id));
        }

        return new ResourceKey(type, id);
    }

    /// <summary>Parses a grain key <c>{type}/{id}</c>.</summary>
    /// <exception cref="ArgumentException">The key is not of that form.</exception>
    public static ResourceKey ParseGrainKey(string grainKey)
    {
        ArgumentNullException.ThrowIfNull(grainKey);
        var slash = grainKey.IndexOf('/', StringComparison.Ordinal);
        return slash < 0
            ? throw new ArgumentException($"Resource grain key '{grainKey}' is not of the form {{type}}/{{id}}.", nameof(grainKey))
            : Create(grainKey[..slash], grainKey[(slash + 1)..]);
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
