using OrleansConsistency.Storage.Cluster;
using OrleansConsistency.Storage.Cluster.Leases;

namespace OrleansConsistency.Storage.Tests.Cluster;

/// <summary>Every silo must put a resource in the same consumer partition, and the partitions must share the resources.</summary>
public sealed class ConsumerPartitioningTests
{
    [Fact]
    public void A_resource_is_always_in_the_same_partition_and_resources_spread_over_all_partitions()
    {
        var ids = Enumerable.Range(0, 1600).Select(i => $"orders/o-{i}").ToList();
        var partitions = ids.Select(id => ConsumerPartitioning.PartitionOf(id, 16)).ToList();
        Assert.Equal(partitions, ids.Select(id => ConsumerPartitioning.PartitionOf(id, 16)));
        Assert.All(partitions, p => Assert.InRange(p, 0, 15));
        Assert.All(partitions.GroupBy(p => p), group => Assert.InRange(group.Count(), 50, 150));

        // Fixed values (computed independently from FNV-1a and the MurmurHash3 finalizer): the hash must not change
        // between processes or versions, or silos of a rolling upgrade would disagree about partitions.
        Assert.Equal(5, ConsumerPartitioning.PartitionOf("orders/o-1", 16));
        Assert.Equal(15, ConsumerPartitioning.PartitionOf("orders/o-2", 16));
        Assert.Equal(0, ConsumerPartitioning.PartitionOf("carts/c-9", 16));
        Assert.Equal(0, ConsumerPartitioning.PartitionOf("anything", 1));
    }

    [Theory]
    [InlineData(0, 200, "ConsumerPartitions")]
    [InlineData(5000, 200, "ConsumerPartitions")]
    [InlineData(16, 0, "ConsumerEventPollInterval")]
    public void Out_of_range_lease_settings_are_refused_naming_the_setting(int partitions, int pollMilliseconds, string setting)
    {
        var options = new SiloClusterOptions
        {
            Enabled = true,
            ConsumerPartitions = partitions,
            ConsumerEventPollInterval = TimeSpan.FromMilliseconds(pollMilliseconds),
        };
        var refused = Assert.Throws<ArgumentException>(() => options.Validate(storageIsPostgres: true));
        Assert.Contains($"Silo:Cluster:{setting}", refused.Message, StringComparison.Ordinal);
    }
}
