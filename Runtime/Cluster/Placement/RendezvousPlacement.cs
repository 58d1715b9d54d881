using System.Text;
using OrleansConsistency.Runtime.Cluster.Membership;

namespace OrleansConsistency.Runtime.Cluster.Placement;

/// <summary>
/// Rendezvous (highest-random-weight) hashing: a grain's owner is the live silo whose weight for the grain is
/// highest. Every silo and client computes the same owner from the same view, with no directory to keep in
/// sync, and when a silo joins or dies only the grains it gains or held move.
/// </summary>
public static class RendezvousPlacement
{
    /// <summary>The owner of a grain in a view; null when the view has no live silo.</summary>
    public static ClusterMember? Owner(GrainId grainId, MembershipView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var grainHash = Fnv1a(grainId.Type, grainId.Key);
        ClusterMember? best = null;
        ulong bestWeight = 0;
        foreach (var member in view.Members)
        {
            var weight = Weight(grainHash, member.SiloId);

            // Ties (astronomically rare) go to the smaller id, so that the answer never depends on member order.
            if (best is null || weight > bestWeight || (weight == bestWeight && string.CompareOrdinal(member.SiloId, best.SiloId) < 0))
            {
                best = member;
                bestWeight = weight;
            }
        }

        return best;
    }

    /// <summary>The weight of a silo for a grain: a strong mix of both hashes, stable across processes and versions (string.GetHashCode is not).</summary>
    internal static ulong Weight(ulong grainHash, string siloId) => Mix(grainHash ^ (Fnv1a(siloId, string.Empty) * 0x9E3779B97F4A7C15UL));

    internal static ulong Fnv1a(string first, string second)
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
    internal static ulong Mix(ulong value)
    {
        value ^= value >> 33;
        value *= 0xFF51AFD7ED558CCDUL;
        value ^= value >> 33;
        value *= 0xC4CEB1B5E3C2BA53UL;
        value ^= value >> 33;
        return value;
    }
}
