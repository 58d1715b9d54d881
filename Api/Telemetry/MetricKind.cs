namespace OrleansConsistency.Api.Telemetry;

/// <summary>How an instrument's measurements aggregate, and which Prometheus type it is written as.</summary>
internal enum MetricKind
{
    /// <summary>Monotonic sum: a Prometheus counter (<c>_total</c>).</summary>
    Counter,

    /// <summary>A sum that goes up and down: a Prometheus gauge.</summary>
    UpDownCounter,

    /// <summary>The last value observed: a Prometheus gauge.</summary>
    Gauge,

    /// <summary>Bucketed distribution: a Prometheus histogram.</summary>
    Histogram,
}
