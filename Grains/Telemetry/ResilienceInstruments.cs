using System.Diagnostics.Metrics;

namespace OrleansConsistency.Grains.Telemetry;

/// <summary>
/// Resilience per dependency (a consumer, or any external service a pipeline guards): retries, breaker state and
/// bulkhead slots. A pipeline registers its breaker and bulkhead with <see cref="TrackBreaker"/> and
/// <see cref="TrackBulkhead"/> and adds to <see cref="Retries"/>; the instruments read them when collected.
/// </summary>
public static class ResilienceInstruments
{
    private static readonly TrackedSources<string> Breakers = new();
    private static readonly TrackedSources<(int InUse, int Capacity, int Queued)> Bulkheads = new();

    /// <summary>Retries, per dependency and reason (a short code such as <c>timeout</c> or <c>http-503</c>).</summary>
    public static readonly Counter<long> Retries = GrainsTelemetry.Meter.CreateCounter<long>(
        "oc.dependency.retries", "{retry}", "Retries of a call to a dependency, per dependency and reason.");

    /// <summary>Events a consumer gave up on, per consumer.</summary>
    public static readonly Counter<long> GaveUp = GrainsTelemetry.Meter.CreateCounter<long>(
        "oc.dependency.gave_up", "{event}", "Events a consumer gave up on (recorded as failed), per dependency.");

    /// <summary>Breaker state per dependency: 0 closed, 1 half-open, 2 open (the state is also a tag).</summary>
    public static readonly ObservableGauge<int> BreakerState = GrainsTelemetry.Meter.CreateObservableGauge(
        "oc.dependency.breaker.state",
        () => Breakers.Read().Select(b => new Measurement<int>(
            BreakerValue(b.Value),
            new KeyValuePair<string, object?>("dependency", b.Name),
            new KeyValuePair<string, object?>("state", b.Value))),
        "{state}",
        "Circuit breaker state per dependency: 0 closed, 1 half-open, 2 open.");

    /// <summary>Bulkhead slots in use per dependency.</summary>
    public static readonly ObservableGauge<int> BulkheadInUse = GrainsTelemetry.Meter.CreateObservableGauge(
        "oc.dependency.bulkhead.in_use",
        () => Bulkheads.Read().Select(b => new Measurement<int>(b.Value.InUse, new KeyValuePair<string, object?>("dependency", b.Name))),
        "{slot}",
        "Bulkhead (concurrency limiter) slots in use per dependency.");

    /// <summary>Bulkhead slots per dependency.</summary>
    public static readonly ObservableGauge<int> BulkheadCapacity = GrainsTelemetry.Meter.CreateObservableGauge(
        "oc.dependency.bulkhead.capacity",
        () => Bulkheads.Read().Select(b => new Measurement<int>(b.Value.Capacity, new KeyValuePair<string, object?>("dependency", b.Name))),
        "{slot}",
        "Bulkhead (concurrency limiter) slots per dependency.");

    /// <summary>Calls queued for a bulkhead slot per dependency.</summary>
    public static readonly ObservableGauge<int> BulkheadQueued = GrainsTelemetry.Meter.CreateObservableGauge(
        "oc.dependency.bulkhead.queued",
        () => Bulkheads.Read().Select(b => new Measurement<int>(b.Value.Queued, new KeyValuePair<string, object?>("dependency", b.Name))),
        "{call}",
        "Calls waiting for a bulkhead slot per dependency.");

    /// <summary>Reports a breaker's state (<c>closed</c>, <c>half-open</c>, <c>open</c>) until the registration is disposed.</summary>
    public static IDisposable TrackBreaker(string dependency, Func<string> state) => Breakers.Track(dependency, state);

    /// <summary>Reports a bulkhead's slots until the registration is disposed.</summary>
    public static IDisposable TrackBulkhead(string dependency, Func<(int InUse, int Capacity, int Queued)> slots) => Bulkheads.Track(dependency, slots);

    private static int BreakerValue(string state) => state switch
    {
        "open" or "isolated" => 2,
        "half-open" => 1,
        _ => 0,
    };
}
