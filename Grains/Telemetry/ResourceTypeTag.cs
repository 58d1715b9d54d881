using System.Collections.Concurrent;
using OrleansConsistency.Grains.Interfaces.Resources;

namespace OrleansConsistency.Grains.Telemetry;

/// <summary>
/// The value of the <c>type</c> tag on metrics. Resource types come from request paths, so a client could otherwise add
/// a series to every counter with each made-up type it sends. A type is named only once an intent on it was accepted
/// (a real resource exists), and at most <see cref="MaxNamedTypes"/> types per process are named; every other request
/// counts under <see cref="Other"/>. Static, as the meters are: one process exports one set of series.
/// </summary>
public static class ResourceTypeTag
{
    /// <summary>How many distinct types a process names on its metrics; later types count under <see cref="Other"/>.</summary>
    public const int MaxNamedTypes = 200;

    /// <summary>The tag value for a type that is not named.</summary>
    public const string Other = "other";

    private static readonly ConcurrentDictionary<string, bool> Named = new(StringComparer.Ordinal);

    /// <summary>The tag for a type that has an accepted intent: names it from now on, while there is room.</summary>
    public static string Accepted(string type)
    {
        if (Named.ContainsKey(type))
        {
            return type;
        }

        // The count may overshoot by the number of racing threads; the bound is what matters, not its exact value.
        if (Named.Count < MaxNamedTypes && ResourceKey.IsValidType(type))
        {
            Named.TryAdd(type, true);
            return type;
        }

        return Other;
    }

    /// <summary>The tag for a type seen in any request: its name when named already, else <see cref="Other"/>.</summary>
    public static string Of(string? type) => type is not null && Named.ContainsKey(type) ? type : Other;
}
