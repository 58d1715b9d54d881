using OrleansConsistency.Runtime.Cluster.Placement;

namespace OrleansConsistency.Runtime.Cluster.Leases;

/// <summary>
/// Splits a consumer's resources into partitions by a stable hash of the resource id (the same in every process and
/// version, unlike string.GetHashCode), so every silo agrees which partition, and so which lease, a resource is in.
/// </summary>
public static class ConsumerPartitioning
{
    /// <summary>The partition of <paramref name="resourceId"/> among <paramref name="partitions"/>.</summary>
    public static int PartitionOf(string resourceId, int partitions)
    {
        ArgumentNullException.ThrowIfNull(resourceId);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        return (int)(RendezvousPlacement.Mix(RendezvousPlacement.Fnv1a("consumer-partition", resourceId)) % (ulong)partitions);
    }

    /// <summary>How much a silo prefers a partition: silos try their most preferred free partitions first, so that they rarely compete for one.</summary>
    internal static ulong Preference(string consumer, int partition, string siloId) =>
        RendezvousPlacement.Weight(RendezvousPlacement.Fnv1a(consumer, partition.ToString(System.Globalization.CultureInfo.InvariantCulture)), siloId);
}
