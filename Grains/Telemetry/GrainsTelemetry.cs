using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrleansConsistency.Grains.Telemetry;

/// <summary>
/// The grains layer's <see cref="Meter"/> and <see cref="ActivitySource"/>, both named <see cref="Name"/>: commits,
/// consumers and settlement. The instruments are grouped by feature in static classes next to this one
/// (<see cref="SettlementInstruments"/>, <see cref="ResilienceInstruments"/>, <see cref="ConflictInstruments"/>), so a
/// feature adds its counters in one place.
/// </summary>
public static class GrainsTelemetry
{
    /// <summary>The meter's and the activity source's name.</summary>
    public const string Name = "OrleansConsistency.Grains";

    /// <summary>Spans of commits and consumer deliveries.</summary>
    public static readonly ActivitySource Source = new(Name);

    /// <summary>The grains layer's instruments.</summary>
    public static readonly Meter Meter = new(Name);
}
