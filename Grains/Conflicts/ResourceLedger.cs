using System.Text.Json.Nodes;
using OrleansConsistency.Grains.Interfaces.Conflicts;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Grains.Resources;

namespace OrleansConsistency.Grains.Conflicts;

/// <summary>
/// Folds one transition event into a resource's state. The grain builds every new state with this, from the event it
/// is about to commit, and a rebuild replays the stored events with it: so replaying the log reproduces the state
/// exactly by construction, and the rebuild also checks each event's recorded document.
/// </summary>
internal static class ResourceLedger
{
    /// <summary>
    /// The state after the event and, with <paramref name="verify"/> (a rebuild), a plain sentence when the replayed
    /// document differs from the recorded one; the grain skips that check, since it recorded this very document.
    /// </summary>
    public static (ResourceState Next, string? Mismatch) Apply(ResourceState current, TransitionEvent transition, ConflictLimits limits, bool verify = false)
    {
        var effect = transition.Effect ?? new EffectiveChange(transition.Operation, transition.Payload);
        var payload = effect.Payload is { } element ? JsonNode.Parse(element.GetRawText()) as JsonObject : null;
        JsonObject? document;
        try
        {
            document = effect.Operation is { } operation ? DocumentOperations.Apply(current.Document, operation, effect.Payload) : current.Document;
        }
        catch (CannotApplyException ex)
        {
            return (current, $"Version {transition.Version} cannot be replayed: {ex.Message}");
        }

        var stamp = transition.Stamp ?? transition.Clock ?? HlcTimestamp.At(transition.OccurredAt);
        var next = new ResourceState
        {
            Version = transition.Version,
            Document = document,
            UpdatedAt = transition.OccurredAt,
            Clock = transition.Clock,
            FieldWrites = effect.Operation is { } applied
                ? Record(current.FieldWrites, JsonPaths.Written(applied, payload), document, transition, stamp)
                : current.FieldWrites,
            Superseded = Supersede(current.Superseded, transition, limits),
            Resolved = Resolve(current.Resolved, transition, limits),
            Parked = transition.Conflict?.Outcome == ConflictReport.Resolved
                ? current.Parked.Where(p => p.IntentKey != transition.IntentKey).ToList()
                : current.Parked,
        };

        if (!verify)
        {
            return (next, null);
        }

        var replayed = document?.ToJsonString() ?? "null";
        var recorded = transition.Document is { } recordedDocument ? recordedDocument.GetRawText() : "null";
        var mismatch = transition.SchemaVersion >= 2 && !JsonNode.DeepEquals(JsonNode.Parse(replayed), JsonNode.Parse(recorded))
            ? $"Version {transition.Version}: replaying gives {replayed}, but the event recorded {recorded}."
            : null;
        return (next, mismatch);
    }

    private static List<FieldWrite> Record(List<FieldWrite> writes, IReadOnlyList<string> paths, JsonObject? document, TransitionEvent transition, HlcTimestamp stamp)
    {
        // A write to a field replaces what is known about it and about everything inside it.
        var next = writes.Where(w => !paths.Any(p => w.Path == p || JsonPaths.IsInside(w.Path, p))).ToList();
        foreach (var path in paths)
        {
            next.Add(new FieldWrite
            {
                Path = path,
                Version = transition.Version,
                IntentKey = transition.IntentKey ?? string.Empty,
                At = transition.OccurredAt,
                Stamp = stamp,
                Session = transition.Session,
                Removed = JsonPaths.Get(document, path) is null,
            });
        }

        next.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return next;
    }

    private static List<SupersededIntent> Supersede(List<SupersededIntent> notes, TransitionEvent transition, ConflictLimits limits)
    {
        var report = transition.Conflict;
        var replaced = report?.Fields
            .Where(f => f.Outcome is FieldConflict.MineWon or FieldConflict.Combined or FieldConflict.Chosen && f.By.Key != transition.IntentKey)
            .GroupBy(f => f.By)
            .ToList();
        var cutoff = transition.OccurredAt - limits.Retention;
        if ((replaced is null || replaced.Count == 0) && (notes.Count == 0 || notes[0].Supersession.By.At >= cutoff))
        {
            return notes;
        }

        var next = notes.Where(n => n.Supersession.By.At >= cutoff).ToList();
        var by = new ChangeReference(transition.IntentKey ?? string.Empty, transition.Version, transition.OccurredAt);
        foreach (var group in replaced ?? [])
        {
            var paths = group.Select(f => f.Path).ToList();
            next.Add(new SupersededIntent
            {
                IntentKey = group.Key.Key,
                Supersession = new Supersession(by, paths, ConflictMessages.Superseded(by, paths, report!.Policy)),
            });
        }

        if (next.Count > limits.SupersessionNotes)
        {
            next.RemoveRange(0, next.Count - limits.SupersessionNotes);
        }

        return next;
    }

    private static List<ResolvedConflict> Resolve(List<ResolvedConflict> notes, TransitionEvent transition, ConflictLimits limits)
    {
        var cutoff = transition.OccurredAt - limits.Retention;
        var resolved = transition.Conflict is { Outcome: ConflictReport.Resolved } report ? report : null;
        if (resolved is null && (notes.Count == 0 || notes[0].Report.Resolution!.At >= cutoff))
        {
            return notes;
        }

        var next = notes.Where(n => n.Report.Resolution!.At >= cutoff).ToList();
        if (resolved is not null)
        {
            next.Add(new ResolvedConflict { IntentKey = transition.IntentKey ?? string.Empty, Report = resolved });
        }

        return next;
    }
}
