using System.Text;

namespace OrleansConsistency.Bench.Harness;

/// <summary>A Markdown table whose columns are padded to line up in a terminal as well as render on a page.</summary>
/// <param name="headers">The column headers; a header ending in ':' (removed) right-aligns its column, for numbers.</param>
public sealed class MarkdownTable(params string[] headers)
{
    private readonly string[] _headers = [.. headers.Select(h => Escape(h.TrimEnd(':')))];
    private readonly bool[] _rightAligned = [.. headers.Select(h => h.EndsWith(':'))];
    private readonly List<string[]> _rows = [];

    /// <summary>Adds a row; it must have one cell per column.</summary>
    public MarkdownTable AddRow(params string[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Length != _headers.Length)
        {
            throw new ArgumentException($"The row has {cells.Length} cells; the table has {_headers.Length} columns.", nameof(cells));
        }

        _rows.Add([.. cells.Select(Escape)]);
        return this;
    }

    /// <summary>The table as Markdown, one line per row, ending with a line break.</summary>
    public override string ToString()
    {
        var widths = _headers.Select((header, column) => Math.Max(3, _rows.Select(row => row[column].Length).Append(header.Length).Max())).ToArray();
        var text = new StringBuilder();
        AppendLine(text, _headers, widths);
        text.Append('|');
        for (var column = 0; column < widths.Length; column++)
        {
            text.Append(' ').Append('-', widths[column] - 1).Append(_rightAligned[column] ? ':' : '-').Append(" |");
        }

        text.Append('\n');
        foreach (var row in _rows)
        {
            AppendLine(text, row, widths);
        }

        return text.ToString();
    }

    private void AppendLine(StringBuilder text, string[] cells, int[] widths)
    {
        text.Append('|');
        for (var column = 0; column < cells.Length; column++)
        {
            var cell = cells[column];
            text.Append(' ').Append(_rightAligned[column] ? cell.PadLeft(widths[column]) : cell.PadRight(widths[column])).Append(" |");
        }

        text.Append('\n');
    }

    private static string Escape(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal);
}
