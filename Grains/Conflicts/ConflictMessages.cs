using System.Globalization;
using OrleansConsistency.Grains.Interfaces.Conflicts;

namespace OrleansConsistency.Grains.Conflicts;

/// <summary>The plain-words sentences of conflict outcomes, for the people who made the changes.</summary>
internal static class ConflictMessages
{
    public static string Rejected(long basedOn, long current, IReadOnlyList<FieldConflict> fields) =>
        $"Not saved: since version {basedOn}, which you were looking at, {Changes(fields)}. It is now at version {current}. Reload it, look at their change, and try again.";

    public static string Parked(long basedOn, IReadOnlyList<FieldConflict> fields) =>
        $"Not saved yet: since version {basedOn}, which you were looking at, {Changes(fields)}. Choose what to keep: your value, theirs, or another one.";

    public static string Merged(string policy, long basedOn, IReadOnlyList<FieldConflict> fields)
    {
        var clauses = new List<string>();
        AddClause(clauses, fields, FieldConflict.MineWon, names => $"your value replaced theirs for {names}{(policy == "last-writer-wins" ? ", because yours was made later" : ", because the most recent change wins")}");
        AddClause(clauses, fields, FieldConflict.TheirsKept, names => $"their value was kept for {names}, because their change was made later");
        AddClause(clauses, fields, FieldConflict.Combined, names => $"your change to {names} was added to theirs");
        return $"{Capitalize(Changes(fields))} after version {basedOn}, which you were looking at: {string.Join("; ", clauses)}.";
    }

    public static string Resolved(ConflictChoice choice, long version, IReadOnlyList<FieldConflict> fields)
    {
        var what = choice switch
        {
            ConflictChoice.KeepMine => "keeping your value",
            ConflictChoice.KeepTheirs => "keeping their value",
            _ => "saving a chosen value",
        };
        return $"Resolved by {what} for {Names(fields.Select(f => f.Path))}; saved as version {version}.";
    }

    /// <summary>The choice's wire name, e.g. <c>keep-mine</c>.</summary>
    public static string ChoiceName(ConflictChoice choice) => choice switch
    {
        ConflictChoice.KeepMine => "keep-mine",
        ConflictChoice.KeepTheirs => "keep-theirs",
        _ => "value",
    };

    public static string Superseded(ChangeReference by, IReadOnlyList<string> paths, string policy)
    {
        var why = policy switch
        {
            "last-writer-wins" => "because it was made later",
            "manual" => "because someone chose it",
            _ => "because the most recent change wins",
        };
        return $"Later, another change (version {by.Version}, at {by.At.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC) replaced your value for {Names(paths)}, {why}.";
    }

    /// <summary>"'status' was changed by another change (version 4)", grouped by change; its key is in the report's data, not in words for people.</summary>
    private static string Changes(IReadOnlyList<FieldConflict> fields) =>
        string.Join(" and ", fields.GroupBy(f => f.By).Select(g => $"{Names(g.Select(f => f.Path))} {(g.Count() == 1 && g.First().Path.Length > 0 ? "was" : "were")} changed by another change (version {g.Key.Version})"));

    private static void AddClause(List<string> clauses, IReadOnlyList<FieldConflict> fields, string outcome, Func<string, string> sentence)
    {
        var paths = fields.Where(f => f.Outcome == outcome).Select(f => f.Path).ToList();
        if (paths.Count > 0)
        {
            clauses.Add(sentence(Names(paths)));
        }
    }

    /// <summary>Field names as people read them: 'address › city' (not the JSON Pointer <c>/address/city</c>), or "the whole document".</summary>
    public static string Names(IEnumerable<string> paths)
    {
        var names = paths.Distinct().Select(p => p.Length == 0 ? "the whole document" : $"'{string.Join(" › ", JsonPaths.Segments(p))}'").ToList();
        return names.Count switch
        {
            0 => "nothing",
            1 => names[0],
            _ => $"{string.Join(", ", names.Take(names.Count - 1))} and {names[^1]}",
        };
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
