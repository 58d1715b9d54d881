using System.Globalization;
using System.Text;
using Orleans.Runtime;

namespace OrleansConsistency.Storage.Clustering;

/// <summary>
/// The text form of <see cref="Orleans.MembershipEntry.SuspectTimes"/>: votes separated by '|', each
/// <c>silo,time</c>, the silo as <see cref="SiloAddress.ToParsableString"/> (<c>ip:port@generation</c>) and the time
/// as ISO 8601 UTC with all seven fraction digits. Neither part can contain ',' or '|', and the time keeps every tick,
/// so a vote reads back exactly as it was written. A null list is stored as NULL and an empty one as "", so that
/// the two also read back as they were.
/// </summary>
internal static class SuspectTimesText
{
    private const char VoteSeparator = '|';
    private const char PartSeparator = ',';
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    /// <summary>The votes as text; null for a null list.</summary>
    public static string? Format(List<Tuple<SiloAddress, DateTime>>? votes)
    {
        if (votes is null)
        {
            return null;
        }

        var text = new StringBuilder();
        foreach (var (silo, time) in votes)
        {
            if (text.Length > 0)
            {
                text.Append(VoteSeparator);
            }

            text.Append(silo.ToParsableString()).Append(PartSeparator)
                .Append(MembershipTimes.ToUtc(time).ToString(TimeFormat, CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    /// <summary>The latest vote, or null when there is none.</summary>
    public static DateTime? Latest(List<Tuple<SiloAddress, DateTime>>? votes) =>
        votes is { Count: > 0 } ? votes.Max(vote => MembershipTimes.ToUtc(vote.Item2)) : null;

    /// <summary>
    /// Parses what <see cref="Format"/> wrote. A vote that does not parse (a hand-edited row) is skipped and reported
    /// to <paramref name="onMalformed"/> rather than thrown: one bad vote must not stop every silo from reading the
    /// membership, and a lost vote only delays a death declaration.
    /// </summary>
    public static List<Tuple<SiloAddress, DateTime>>? Parse(string? text, Action<string> onMalformed)
    {
        if (text is null)
        {
            return null;
        }

        var votes = new List<Tuple<SiloAddress, DateTime>>();
        if (text.Length == 0)
        {
            return votes;
        }

        foreach (var vote in text.Split(VoteSeparator))
        {
            var separator = vote.IndexOf(PartSeparator, StringComparison.Ordinal);
            if (separator > 0
                && TryParseSilo(vote[..separator], out var silo)
                && DateTime.TryParseExact(vote[(separator + 1)..], TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
            {
                votes.Add(Tuple.Create(silo, time));
            }
            else
            {
                onMalformed(vote);
            }
        }

        return votes;
    }

    private static bool TryParseSilo(string text, out SiloAddress silo)
    {
        try
        {
            silo = SiloAddress.FromParsableString(text);
            return true;
        }
        catch (FormatException)
        {
            silo = null!;
            return false;
        }
    }
}
