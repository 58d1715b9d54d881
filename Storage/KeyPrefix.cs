using System.Buffers;
using System.Text;

namespace OrleansConsistency.Storage;

/// <summary>
/// Turns "starts with a prefix" into a key range, so the providers can match a prefix literally (LIKE would treat
/// '%' and '_' as wildcards, and SQLite's LIKE ignores ASCII case) and still seek an index. Both providers compare
/// such keys by Unicode code point: SQLite's BINARY collation compares UTF-8 bytes, PostgreSQL's "C" collation too.
/// </summary>
internal static class KeyPrefix
{
    private const int MaxCodePoint = 0x10FFFF;
    private const int LastBeforeSurrogates = 0xD7FF;
    private const int FirstAfterSurrogates = 0xE000;

    /// <summary>
    /// The least string greater than every string that starts with <paramref name="prefix"/>: the prefix with its
    /// last code point incremented (dropping trailing U+10FFFF, which cannot be incremented). Then
    /// <c>prefix &lt;= key &lt; bound</c> holds exactly for the keys starting with the prefix.
    /// </summary>
    /// <returns>The bound, or null when there is none (an empty prefix, or one of U+10FFFF only): every key at or
    /// after the prefix starts with it.</returns>
    /// <exception cref="ArgumentException">The prefix contains a lone surrogate, which no stored key can contain.</exception>
    public static string? UpperBound(string prefix)
    {
        // Where each code point starts, so the bound can keep the text before the one it increments.
        var starts = new List<(int Offset, Rune Rune)>(prefix.Length);
        for (var offset = 0; offset < prefix.Length;)
        {
            if (Rune.DecodeFromUtf16(prefix.AsSpan(offset), out var rune, out var consumed) != OperationStatus.Done)
            {
                throw new ArgumentException("The prefix is not well-formed UTF-16 (it contains a lone surrogate).", nameof(prefix));
            }

            starts.Add((offset, rune));
            offset += consumed;
        }

        for (var i = starts.Count - 1; i >= 0; i--)
        {
            var (offset, rune) = starts[i];
            if (rune.Value == MaxCodePoint)
            {
                continue;
            }

            // Surrogate code points are not characters, so the successor of U+D7FF is U+E000.
            var next = new Rune(rune.Value == LastBeforeSurrogates ? FirstAfterSurrogates : rune.Value + 1);
            return string.Concat(prefix.AsSpan(0, offset), next.ToString());
        }

        return null;
    }
}
