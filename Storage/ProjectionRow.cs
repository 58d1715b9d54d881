namespace OrleansConsistency.Storage;

/// <summary>One item of a consumer's read model (table <c>projections</c>), keyed by (projection, partition, key).</summary>
/// <param name="Projection">The projection's name, e.g. the consumer that maintains it.</param>
/// <param name="Partition">A group of items listed together, e.g. a resource type.</param>
/// <param name="Key">The item's key within the partition; listings are ordered by it, by Unicode code point.</param>
/// <param name="Version">The source version the item reflects; a write with a version not above the stored one is ignored.</param>
/// <param name="Deleted">True when the source was deleted; the row stays as a tombstone, so a late older write cannot revive it.</param>
/// <param name="Payload">The item as JSON; null when there is nothing to show (e.g. a tombstone).</param>
/// <param name="AppliedAt">When the source change was applied.</param>
/// <param name="ProjectedAt">When the projection wrote the item.</param>
public sealed record ProjectionRow(
    string Projection,
    string Partition,
    string Key,
    long Version,
    bool Deleted,
    string? Payload,
    DateTimeOffset AppliedAt,
    DateTimeOffset ProjectedAt);
