namespace OrleansConsistency.Dependencies.Chaos;

/// <summary>
/// How badly the service behaves, settable at run time (<c>PUT /control</c>): a share of requests answered 500 before
/// anything happens, a share that do their work and then hang (the caller times out not knowing it happened), extra
/// latency, and a full outage (503 for everything). All off by default.
/// </summary>
/// <param name="FailureRate">Share (0 to 1) of requests answered 500 without doing anything.</param>
/// <param name="TimeoutRate">Share (0 to 1) of requests that do their work and then do not answer for <paramref name="HangMilliseconds"/>.</param>
/// <param name="LatencyMilliseconds">Delay before every request is handled.</param>
/// <param name="Outage">True: every request is answered 503 at once.</param>
/// <param name="HangMilliseconds">How long a "timing out" request hangs after doing its work.</param>
public sealed record ChaosSettings(
    double FailureRate = 0,
    double TimeoutRate = 0,
    int LatencyMilliseconds = 0,
    bool Outage = false,
    int HangMilliseconds = 30_000)
{
    /// <summary>Why the settings are not valid, or null.</summary>
    public string? Problem() =>
        FailureRate is < 0 or > 1 || TimeoutRate is < 0 or > 1 || FailureRate + TimeoutRate > 1 ? "failureRate and timeoutRate must be between 0 and 1, and together at most 1."
        : LatencyMilliseconds is < 0 or > 600_000 ? "latencyMilliseconds must be between 0 and 600000."
        : HangMilliseconds is < 0 or > 600_000 ? "hangMilliseconds must be between 0 and 600000."
        : null;
}
