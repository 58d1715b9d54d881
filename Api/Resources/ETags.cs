using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace OrleansConsistency.Api.Resources;

/// <summary>A resource's ETag is its version in quotes: cheap, and the same number clients send as expectedVersion.</summary>
internal static class ETags
{
    public static string For(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>
    /// True when <c>If-None-Match</c> names this version (or is <c>*</c>). Weak comparison, as RFC 9110 asks for
    /// If-None-Match, so a W/ prefix added by a proxy still matches.
    /// </summary>
    public static bool NoneMatchHits(string? ifNoneMatch, long version)
    {
        if (string.IsNullOrWhiteSpace(ifNoneMatch) || !EntityTagHeaderValue.TryParseList([ifNoneMatch], out var tags))
        {
            return false;
        }

        var current = new EntityTagHeaderValue(For(version));
        return tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(current, useStrongComparison: false));
    }
}
