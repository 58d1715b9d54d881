using System.Diagnostics.Metrics;
using OrleansConsistency.Grains.Telemetry;

namespace OrleansConsistency.Api.Telemetry;

/// <summary>Intents as the API sees them: accepted or refused (with the problem's slug as the reason), how fast, replays.</summary>
internal static class IntentInstruments
{
    /// <summary>Intents accepted (202 or 200), per resource type.</summary>
    public static readonly Counter<long> Accepted = ApiTelemetry.Meter.CreateCounter<long>(
        "oc.intents.accepted", "{intent}", "Intents accepted (applied, or replayed answers of applied ones), per resource type.");

    /// <summary>Intents refused, per resource type and reason (the problem type's slug).</summary>
    public static readonly Counter<long> Refused = ApiTelemetry.Meter.CreateCounter<long>(
        "oc.intents.refused", "{intent}", "Intents refused, per resource type and reason (the problem type's slug).");

    /// <summary>Answers that were idempotent replays, per resource type.</summary>
    public static readonly Counter<long> Replays = ApiTelemetry.Meter.CreateCounter<long>(
        "oc.intents.replays", "{intent}", "Answers that replayed an earlier answer for the same Idempotency-Key, per resource type.");

    /// <summary>Time to answer a POST of an intent, per resource type and outcome (<c>accepted</c> or <c>refused</c>).</summary>
    public static readonly Histogram<double> AcceptDuration = ApiTelemetry.Meter.CreateHistogram(
        "oc.intents.accept.duration",
        "s",
        "Time to answer a POST of an intent, per resource type and outcome.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SettlementInstruments.SecondsBuckets });
}
