using System.Text.Json;
using Orleans;

namespace OrleansConsistency.Grains.Interfaces.Conflicts;

/// <summary>
/// One field on which an intent met a change made after its base version. Values are JSON; a missing value (null
/// here, absent on the wire) means the field did not exist or was removed.
/// </summary>
/// <param name="Path">The field as a JSON Pointer (RFC 6901), e.g. <c>/address/city</c>; the empty string is the whole document.</param>
/// <param name="Mine">What this intent wanted the field to be (for increment/add/remove: its argument).</param>
/// <param name="Theirs">The field's value when the intent was decided, written by <paramref name="By"/>.</param>
/// <param name="Result">The field's value after the decision; absent while a manual conflict waits.</param>
/// <param name="Outcome">A stable code: <c>mine</c> (this intent's value won), <c>theirs</c> (the other change was kept),
/// <c>combined</c> (both applied, e.g. an increment), <c>refused</c> (reject policy), <c>pending</c> (manual, waiting),
/// <c>chosen</c> (a person gave an explicit value).</param>
/// <param name="By">The later change this intent met on the field.</param>
[GenerateSerializer]
[Immutable]
[Alias("oc.FieldConflict")]
public sealed record FieldConflict(
    [property: Id(0)] string Path,
    [property: Id(1)] JsonElement? Mine,
    [property: Id(2)] JsonElement? Theirs,
    [property: Id(3)] JsonElement? Result,
    [property: Id(4)] string Outcome,
    [property: Id(5)] ChangeReference By)
{
    /// <summary>This intent's value won.</summary>
    public const string MineWon = "mine";

    /// <summary>The other change's value was kept.</summary>
    public const string TheirsKept = "theirs";

    /// <summary>Both applied (a commutative operation).</summary>
    public const string Combined = "combined";

    /// <summary>The intent was refused (reject policy).</summary>
    public const string Refused = "refused";

    /// <summary>Waiting for a person (manual policy).</summary>
    public const string Pending = "pending";

    /// <summary>A person chose an explicit value.</summary>
    public const string Chosen = "chosen";
}
