using System.Globalization;

namespace OrleansConsistency.Bench.Harness;

/// <summary>The command line after the suite name: <c>--name value</c> pairs, each suite reading the ones it knows.</summary>
public sealed class BenchArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Parses <c>--name value</c> pairs.</summary>
    /// <exception cref="ArgumentException">An argument is not of that form.</exception>
    public BenchArguments(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        for (var i = 0; i < arguments.Count; i += 2)
        {
            if (!arguments[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= arguments.Count)
            {
                throw new ArgumentException($"Expected '--name value' pairs, got '{string.Join(' ', arguments)}'.", nameof(arguments));
            }

            _values[arguments[i][2..]] = arguments[i + 1];
        }
    }

    /// <summary>The value of <c>--name</c>, or <paramref name="fallback"/>.</summary>
    public string Get(string name, string fallback) => _values.TryGetValue(name, out var value) ? value : fallback;

    /// <summary>The value of <c>--name</c> as seconds, or <paramref name="fallback"/>.</summary>
    /// <exception cref="ArgumentException">The value is not a positive number.</exception>
    public TimeSpan GetSeconds(string name, TimeSpan fallback)
    {
        if (!_values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : throw new ArgumentException($"--{name} must be a positive number of seconds; it is '{text}'.", nameof(name));
    }
}
