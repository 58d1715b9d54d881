using System.ComponentModel;

namespace OrleansConsistency.Api.Telemetry;

/// <summary>The body of <c>POST /v1/telemetry/perceived</c>: how long one change took as the person saw it.</summary>
/// <param name="Type">The resource type of the change.</param>
/// <param name="SavedMs">From the click on Save to the page showing "Saved", in milliseconds.</param>
/// <param name="DoneMs">From the click on Save to the page showing "Done"; absent when the page never showed it.</param>
internal sealed record PerceivedTiming(
    [property: Description("The resource type of the change; types not configured under Resources:Types are counted as 'other'.")] string? Type,
    [property: Description("Milliseconds from the click on Save to the page showing Saved (0 to 3600000).")] double? SavedMs,
    [property: Description("Milliseconds from the click on Save to the page showing Done (0 to 3600000); absent when it never showed Done.")] double? DoneMs = null);
