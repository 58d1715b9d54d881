namespace OrleansConsistency.Api.Operations.Trends;

/// <summary>One sample of the operator page's trends: rates over the interval that ends at <see cref="At"/>, and
/// percentiles of what was recorded in it (null when nothing was).</summary>
/// <param name="At">When the interval ended.</param>
/// <param name="AcceptedPerSecond">Intents accepted per second.</param>
/// <param name="SettledPerSecond">Intents settled per second.</param>
/// <param name="SettleP50">Median time from applied to settled, in seconds.</param>
/// <param name="SettleP99">99th percentile of the same.</param>
/// <param name="PerceivedSavedP50">Median click-to-"Saved" time people saw, in seconds.</param>
/// <param name="PerceivedSavedP99">99th percentile of the same.</param>
/// <param name="PerceivedDoneP50">Median click-to-"Done" time people saw, in seconds.</param>
/// <param name="PerceivedDoneP99">99th percentile of the same.</param>
/// <param name="LagSeconds">The largest consumer lag at that moment (age of the oldest version not handled).</param>
internal sealed record TrendPoint(
    DateTimeOffset At,
    double AcceptedPerSecond,
    double SettledPerSecond,
    double? SettleP50,
    double? SettleP99,
    double? PerceivedSavedP50,
    double? PerceivedSavedP99,
    double? PerceivedDoneP50,
    double? PerceivedDoneP99,
    double LagSeconds);
