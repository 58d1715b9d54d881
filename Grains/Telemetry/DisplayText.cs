namespace OrleansConsistency.Grains.Telemetry;

/// <summary>
/// Bounds text that came from a client before it is kept or shown to people (the operator page, a problem's detail):
/// a 300-character id must not make a table unreadable or a log line enormous. Escaping is the page's job; this only
/// shortens.
/// </summary>
public static class DisplayText
{
    /// <summary>What replaces the cut-off end.</summary>
    public const string Ellipsis = "…";

    /// <summary>The text itself when it has at most <paramref name="max"/> characters; else its start and an ellipsis.</summary>
    public static string Shorten(string text, int max)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 2);
        if (text.Length <= max)
        {
            return text;
        }

        // Never cut a surrogate pair in half: the page would show a broken character.
        var cut = max - 1;
        if (char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return string.Concat(text.AsSpan(0, cut), Ellipsis);
    }
}
