using System.Text.RegularExpressions;

namespace OrleansConsistency.Grains.Interfaces.Resources;

/// <summary>Tenant names: who a resource, its intents and its events belong to.</summary>
public static partial class ResourceTenant
{
    /// <summary>The tenant of everything made before tenants existed, and of requests that name none.</summary>
    public const string Default = "default";

    /// <summary>The rule for tenant names, as a problem states it.</summary>
    public const string Rule = "use 1–32 lower-case letters, digits or dashes, starting with a letter";

    /// <summary>True when the name matches the rule.</summary>
    public static bool IsValid(string? tenant) => tenant is not null && Pattern().IsMatch(tenant);

    [GeneratedRegex("^[a-z][a-z0-9-]{0,31}$")]
    private static partial Regex Pattern();
}
