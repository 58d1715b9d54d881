namespace OrleansConsistency.Grains.Interfaces.Conflicts;

/// <summary>The wire and configuration names of <see cref="ConflictPolicy"/>: <c>reject</c>, <c>merge</c>, <c>last-writer-wins</c>, <c>manual</c>.</summary>
public static class ConflictPolicies
{
    private static readonly Dictionary<string, ConflictPolicy> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["reject"] = ConflictPolicy.Reject,
        ["merge"] = ConflictPolicy.Merge,
        ["last-writer-wins"] = ConflictPolicy.LastWriterWins,
        ["manual"] = ConflictPolicy.Manual,
    };

    /// <summary>Every accepted name, for error messages.</summary>
    public static string Names => string.Join(", ", ByName.Keys);

    /// <summary>The policy with this name, or false when the name is not known.</summary>
    public static bool TryParse(string? name, out ConflictPolicy policy) => ByName.TryGetValue(name ?? string.Empty, out policy);

    /// <summary>The policy's wire name, e.g. <c>last-writer-wins</c>.</summary>
    public static string Name(ConflictPolicy policy) => ByName.First(pair => pair.Value == policy).Key;
}
