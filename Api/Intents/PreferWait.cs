using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace OrleansConsistency.Api.Intents;

/// <summary>
/// The <c>wait=N</c> preference of RFC 7240 (<c>Prefer: wait=5</c>): how long the client is willing to have the answer
/// held until its intent is settled. RFC 7240 says a preference the server cannot understand is ignored, never refused,
/// so anything malformed simply means "no wait".
/// </summary>
internal static class PreferWait
{
    public const string PreferHeader = "Prefer";

    public const string PreferenceAppliedHeader = "Preference-Applied";

    /// <summary>The consistency token: the version a change produced, to send back for a read-your-writes read.</summary>
    public const string ConsistencyTokenHeader = "X-Consistency-Token";

    /// <summary>The whole seconds to wait, capped at <paramref name="max"/>; null when the request has no usable wait preference.</summary>
    public static int? Parse(StringValues prefer, TimeSpan max)
    {
        foreach (var header in prefer)
        {
            // Preferences are comma-separated; each may carry ";"-separated parameters, which wait does not use.
            foreach (var preference in (header ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var token = preference.Split(';', 2)[0].Trim();
                var equals = token.IndexOf('=', StringComparison.Ordinal);
                if (equals < 0 || !string.Equals(token[..equals].Trim(), "wait", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var value = token[(equals + 1)..].Trim().Trim('"');
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0)
                {
                    return null;
                }

                return (int)Math.Min(seconds, Math.Max(1, (long)max.TotalSeconds));
            }
        }

        return null;
    }

    /// <summary>
    /// Seconds a client should wait before asking again about an intent still on its way: until it is expected to
    /// settle, at least 1 and at most 30, so a late estimate never tells a client to go away for long.
    /// </summary>
    public static string RetryAfter(DateTimeOffset? expectedSettleBy, DateTimeOffset now)
    {
        var seconds = expectedSettleBy is { } by && by > now ? Math.Ceiling((by - now).TotalSeconds) : 1;
        return ((int)Math.Clamp(seconds, 1, 30)).ToString(CultureInfo.InvariantCulture);
    }
}
