namespace OrleansConsistency.Storage.Cluster.Leases;

/// <summary>One live row of <c>consumer_leases</c>: which silo handles a partition of a consumer.</summary>
/// <param name="Consumer">The consumer's name.</param>
/// <param name="Partition">The partition (see <see cref="ConsumerPartitioning.PartitionOf"/>).</param>
/// <param name="Owner">The silo id holding the lease.</param>
public sealed record ConsumerLease(string Consumer, int Partition, string Owner);
