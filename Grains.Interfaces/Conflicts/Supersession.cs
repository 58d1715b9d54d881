namespace OrleansConsistency.Grains.Interfaces.Conflicts;

/// <summary>A later intent replaced some of the values this intent wrote, under the resource's conflict policy.</summary>
/// <param name="By">The later intent.</param>
/// <param name="Paths">The fields it replaced (JSON Pointers).</param>
/// <param name="Message">A plain sentence for people.</param>
public sealed record Supersession(ChangeReference By, IReadOnlyList<string> Paths, string Message);
