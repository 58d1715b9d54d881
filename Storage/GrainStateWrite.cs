namespace OrleansConsistency.Storage;

/// <summary>One compare-and-swap write of a grain's state row, with the rows that commit with it.</summary>
/// <param name="GrainType">The row's grain type (grain type, plus <c>/stateName</c> for a non-default state).</param>
/// <param name="GrainId">The grain's key.</param>
/// <param name="ExpectedEtag">The ETag the writer read; null when it expects no row.</param>
/// <param name="Payload">The new state as JSON; null clears the state (the row stays, with a new ETag).</param>
/// <param name="Version">The domain version to store beside the state.</param>
/// <param name="Records">Intent records and events that commit atomically with the state.</param>
public sealed record GrainStateWrite(
    string GrainType,
    string GrainId,
    string? ExpectedEtag,
    string? Payload,
    long? Version,
    CommitRecords Records)
{
    /// <summary>
    /// True for the state of Orleans' own grains (the stream pub-sub's), which a test's injected write failures leave
    /// alone, as they leave progress writes: "fail the next N writes" means the product's own writes.
    /// </summary>
    public bool IsInfrastructure { get; init; }
}
