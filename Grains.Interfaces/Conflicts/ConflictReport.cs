using Orleans;

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
[GenerateSerializer]
[Alias("oc.ConflictReport")]
public sealed record ConflictReport(
    [property: Id(0)] string Policy,
    [property: Id(1)] long BasedOnVersion,
    [property: Id(2)] long CurrentVersion,
    [property: Id(3)] string Outcome,
    [property: Id(4)] IReadOnlyList<FieldConflict> Fields,
    [property: Id(5)] string Message,
    [property: Id(6)] ConflictResolution? Resolution = null)
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
