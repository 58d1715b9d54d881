using System.CommandLine;
using System.Globalization;

namespace OrleansConsistency.Bench.Harness;

/// <summary>
/// The kinds of option the suites take. Lists (<c>--writers 1,16,256</c>) stay text that each suite reads as it always
/// has; durations are seconds, checked here so that a typo fails before anything starts.
/// </summary>
public static class BenchOptions
{
    /// <summary><c>--name value</c>, <paramref name="fallback"/> when absent.</summary>
    public static Option<string> Text(string name, string fallback, string description) =>
        new($"--{name}") { Description = description, DefaultValueFactory = _ => fallback };

    /// <summary><c>--name seconds</c>: a positive number (or zero, when <paramref name="allowZero"/>); null when absent.</summary>
    /// <remarks>No default of its own: some suites use one option with different defaults per part (see their help).</remarks>
    public static Option<TimeSpan?> Seconds(string name, string description, bool allowZero = false) => new($"--{name}")
    {
        Description = description,
        HelpName = "seconds",
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && (seconds > 0 || (allowZero && seconds == 0)))
            {
                return TimeSpan.FromSeconds(seconds);
            }

            result.AddError($"--{name} must be a {(allowZero ? "non-negative" : "positive")} number of seconds; it is '{text}'.");
            return null;
        },
    };
}
