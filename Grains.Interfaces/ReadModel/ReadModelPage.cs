namespace OrleansConsistency.Grains.Interfaces.ReadModel;

/// <summary>One page of a listing, in id order.</summary>
/// <param name="Items">The entries.</param>
/// <param name="NextAfter">Pass as <c>after</c> to get the next page; null on the last page.</param>
public sealed record ReadModelPage(IReadOnlyList<ReadModelEntry> Items, string? NextAfter);
