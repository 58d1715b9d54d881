using System.Diagnostics.Metrics;
using OrleansConsistency.Grains.Telemetry;

namespace OrleansConsistency.Api.Telemetry;

/// <summary>
/// What people perceived, reported by the people's page for each of its own changes: the server's accept and settle
/// times say how fast the system was, these say how long a person waited to see it (network, rendering and polling
/// included). Prometheus shows them as <c>oc_perceived_saved_seconds</c> and <c>oc_perceived_done_seconds</c>.
/// </summary>
internal static class PerceivedInstruments
{
    /// <summary>The name of <see cref="Saved"/>.</summary>
    public const string SavedName = "oc.perceived.saved";

    /// <summary>The name of <see cref="Done"/>.</summary>
    public const string DoneName = "oc.perceived.done";

    /// <summary>From the click on Save to "Saved" on the page, per resource type.</summary>
    public static readonly Histogram<double> Saved = ApiTelemetry.Meter.CreateHistogram(
        SavedName,
        "s",
        "Time from the click on Save to the page showing Saved, as reported by the page, per resource type.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SettlementInstruments.SecondsBuckets });

    /// <summary>From the click on Save to "Done" on the page, per resource type.</summary>
    public static readonly Histogram<double> Done = ApiTelemetry.Meter.CreateHistogram(
        DoneName,
        "s",
        "Time from the click on Save to the page showing Done, as reported by the page, per resource type.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SettlementInstruments.SecondsBuckets });
}
