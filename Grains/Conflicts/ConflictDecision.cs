using System.Text.Json.Nodes;
using OrleansConsistency.Grains.Interfaces.Conflicts;
using OrleansConsistency.Grains.Interfaces.Intents;

namespace OrleansConsistency.Grains.Conflicts;

/// <summary>What a conflict policy decided for one intent, before the grain applies it.</summary>
/// <param name="Kind">Apply, refuse or park.</param>
/// <param name="Operation">What to apply; null to apply nothing (every field went to another change).</param>
/// <param name="Payload">Its argument.</param>
/// <param name="Fields">The fields on which it met later changes (Result not yet filled); empty when there was no conflict.</param>
internal sealed record ConflictDecision(ConflictDecisionKind Kind, IntentOperation? Operation, JsonObject? Payload, IReadOnlyList<FieldConflict> Fields)
{
    /// <summary>True when the intent met changes made after its base version.</summary>
    public bool HasConflict => Fields.Count > 0;
}
