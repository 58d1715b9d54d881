using System.Text;

namespace OrleansConsistency.Storage.Cluster.Leases;

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
        return (int)(Mix(Fnv1a("consumer-partition", resourceId)) % (ulong)partitions);
    }

    /// <summary>How much a silo prefers a partition: silos try their most preferred free partitions first, so that they rarely compete for one.</summary>
    internal static ulong Preference(string consumer, int partition, string siloId) =>
        Weight(Fnv1a(consumer, partition.ToString(System.Globalization.CultureInfo.InvariantCulture)), siloId);

    /// <summary>A silo's weight for a hash: a strong mix of both, stable across processes and versions (string.GetHashCode is not).</summary>
    private static ulong Weight(ulong hash, string siloId) => Mix(hash ^ (Fnv1a(siloId, string.Empty) * 0x9E3779B97F4A7C15UL));

    private static ulong Fnv1a(string first, string second)
    {
        var hash = 14695981039346656037UL;
        hash = Append(hash, first);
        hash = (hash ^ 0x2F) * 1099511628211UL; // '/' between the parts: ("ab","c") and ("a","bc") differ.
        return Append(hash, second);
    }

    private static ulong Append(ulong hash, string text)
    {
        Span<byte> buffer = stackalloc byte[256];
        foreach (var chunk in text.Chunk(64))
        {
            var length = Encoding.UTF8.GetBytes(chunk, buffer);
            foreach (var b in buffer[..length])
            {
                hash = (hash ^ b) * 1099511628211UL;
            }
        }

        return hash;
    }

    /// <summary>MurmurHash3's 64-bit finalizer: every input bit affects every output bit.</summary>
    private static ulong Mix(ulong value)
    {
        value ^= value >> 33;
        value *= 0xFF51AFD7ED558CCDUL;
        value ^= value >> 33;
        value *= 0xC4CEB1B5E3C2BA53UL;
        value ^= value >> 33;
        return value;
    }
}
