namespace OrleansConsistency.Api.Access;

/// <summary>
/// What a key or token may do. Each role includes the ones before it: a writer reads (it follows its own intents),
/// an operator reads and writes.
/// </summary>
internal static class ApiRoles
{
    /// <summary>Reads resources, intents, conflicts and event streams.</summary>
    public const string Reader = "reader";

    /// <summary>Submits intents and resolves conflicts, and reads.</summary>
    public const string Writer = "writer";

    /// <summary>Rebuilds, retries consumers, manages keys; in the default tenant also /ops, /metrics, the dashboard and faults.</summary>
    public const string Operator = "operator";

    /// <summary>Every role, weakest first.</summary>
    public static readonly IReadOnlyList<string> All = [Reader, Writer, Operator];

    /// <summary>True when the name is a role.</summary>
    public static bool IsKnown(string? role) => role is not null && All.Contains(role, StringComparer.Ordinal);

    /// <summary>True when holding <paramref name="held"/> allows what <paramref name="needed"/> allows.</summary>
    public static bool Covers(string held, string needed) => Rank(held) >= Rank(needed) && Rank(needed) >= 0;

    private static int Rank(string role) => All.ToList().IndexOf(role);
}
