using System.Globalization;

namespace OrleansConsistency.Api.Intents;

/// <summary>
/// Reads <c>If-Match: "n"</c> as an expected version. Only one strong ETag is meaningful here: a resource has one
/// version at a time, and RFC 9110 says a weak tag never matches for If-Match.
/// </summary>
internal static class IfMatch
{
    /// <summary>True and the version when the header is absent or one strong ETag; false and a plain reason otherwise.</summary>
    public static bool TryParse(string? header, out long? version, out string? problem)
    {
        version = null;
        problem = null;
        if (string.IsNullOrWhiteSpace(header))
        {
            return true;
        }

        var value = header.Trim();
        if (value.Length >= 3
            && value[0] == '"'
            && value[^1] == '"'
            && long.TryParse(value.AsSpan(1, value.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            version = parsed;
            return true;
        }

        problem = $"If-Match must be one version in quotes, such as \"3\" (the ETag of the resource); it is {value}.";
        return false;
    }
}
