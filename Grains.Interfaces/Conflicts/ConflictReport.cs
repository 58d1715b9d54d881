namespace OrleansConsistency.Grains.Interfaces.Conflicts;

/// <summary>
/// The explanation of an intent that met changes made after the version it was based on: as data, and as a
/// plain-words message. The same report is in the intent's status and in its transition event.
/// </summary>
/// <param name="Policy">The resource type's policy: reject, merge, last-writer-wins or manual.</param>
/// <param name="BasedOnVersion">The version the person was looking at.</param>
/// <param name="CurrentVersion">The version the intent met (the resource's version when it was decided).</param>
/// <param name="Outcome">A stable code: <c>rejected</c>, <c>merged</c>, <c>parked</c> or <c>resolved</c>.</param>
/// <param name="Fields">One entry per field changed by both, in path order.</param>
/// <param name="Message">A plain sentence for people.</param>
/// <param name="Resolution">How a person resolved it (manual policy), once they did.</param>
public sealed record ConflictReport(
    string Policy,
    long BasedOnVersion,
    long CurrentVersion,
    string Outcome,
    IReadOnlyList<FieldConflict> Fields,
    string Message,
    ConflictResolution? Resolution = null)
{
    /// <summary>Refused by the reject policy.</summary>
    public const string Rejected = "rejected";

    /// <summary>Applied by the merge or last-writer-wins policy; the fields say who won.</summary>
    public const string Merged = "merged";

    /// <summary>Parked by the manual policy, waiting for a person.</summary>
    public const string Parked = "parked";

    /// <summary>A parked conflict a person resolved.</summary>
    public const string Resolved = "resolved";
}
