using System.Globalization;
using System.Text;

namespace OrleansConsistency.Api.Telemetry;

/// <summary>
/// Writes metrics in the Prometheus text exposition format (version 0.0.4). Names follow the OpenTelemetry-to-
/// Prometheus rules: dots become underscores, the unit is appended (<c>s</c> → <c>_seconds</c>), counters end in
/// <c>_total</c>. The Prometheus exporter package is not available here, and this is all of it that is needed.
/// </summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(IEnumerable<MetricInstrument> instruments)
    {
        ArgumentNullException.ThrowIfNull(instruments);
        var text = new StringBuilder();
        foreach (var instrument in instruments)
        {
            var series = instrument.Series.ToList();
            if (series.Count == 0)
            {
                continue;
            }

            var name = NameOf(instrument);
            var type = instrument.Kind switch
            {
                MetricKind.Counter => "counter",
                MetricKind.Histogram => "histogram",
                _ => "gauge",
            };
            text.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(instrument.Description ?? instrument.Name)).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            foreach (var one in series)
            {
                var (value, cumulative, sum, count) = one.Read();
                if (instrument.Kind != MetricKind.Histogram)
                {
                    Sample(text, name, one.Tags, null, value);
                    continue;
                }

                for (var i = 0; i < cumulative.Length; i++)
                {
                    var le = i < one.Bounds.Count ? Number(one.Bounds[i]) : "+Inf";
                    Sample(text, name + "_bucket", one.Tags, le, cumulative[i]);
                }

                Sample(text, name + "_sum", one.Tags, null, sum);
                Sample(text, name + "_count", one.Tags, null, count);
            }
        }

        return text.ToString();
    }

    /// <summary>The Prometheus name of an instrument.</summary>
    public static string NameOf(MetricInstrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        var name = new StringBuilder();
        foreach (var c in instrument.Name)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        var unit = instrument.Unit switch
        {
            "s" => "seconds",
            "ms" => "milliseconds",
            "By" => "bytes",
            _ => null,
        };
        if (unit is not null && !instrument.Name.EndsWith("." + unit, StringComparison.Ordinal) && !instrument.Name.EndsWith("." + instrument.Unit, StringComparison.Ordinal))
        {
            name.Append('_').Append(unit);
        }

        if (instrument.Kind == MetricKind.Counter)
        {
            name.Append("_total");
        }

        return name.ToString();
    }

    private static void Sample(StringBuilder text, string name, IReadOnlyList<KeyValuePair<string, string>> tags, string? le, double value)
    {
        text.Append(name);
        if (tags.Count > 0 || le is not null)
        {
            text.Append('{');
            var first = true;
            foreach (var (key, tagValue) in tags)
            {
                if (!first)
                {
                    text.Append(',');
                }

                first = false;
                text.Append(LabelName(key)).Append("=\"").Append(EscapeLabel(tagValue)).Append('"');
            }

            if (le is not null)
            {
                text.Append(first ? string.Empty : ",").Append("le=\"").Append(le).Append('"');
            }

            text.Append('}');
        }

        text.Append(' ').Append(Number(value)).Append('\n');
    }

    private static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private static string LabelName(string key)
    {
        var name = new StringBuilder(key.Length);
        foreach (var c in key)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return name.Length > 0 && char.IsAsciiDigit(name[0]) ? "_" + name : name.ToString();
    }

    private static string EscapeLabel(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeHelp(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
