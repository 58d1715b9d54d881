namespace OrleansConsistency.Grains.Dependencies;

/// <summary>A dependency as an operator (or a metrics exporter) sees it.</summary>
/// <param name="Name">Its name (<c>Dependencies:{name}</c>).</param>
/// <param name="DisplayName">What people call it.</param>
/// <param name="Breaker"><c>closed</c>, <c>open</c> or <c>half-open</c>.</param>
/// <param name="BreakerOpenUntil">While open: when it lets a trial call through.</param>
/// <param name="SlotsInUse">Calls in flight now.</param>
/// <param name="SlotLimit">Calls allowed in flight at once (the bulkhead).</param>
/// <param name="Queued">Calls waiting for a slot.</param>
/// <param name="QueueLimit">Calls allowed to wait.</param>
/// <param name="Rejected">Calls refused so far because every slot and queue place was taken.</param>
/// <param name="Faults">Faults being injected now.</param>
public sealed record DependencyState(
    string Name,
    string DisplayName,
    string Breaker,
    DateTimeOffset? BreakerOpenUntil,
    int SlotsInUse,
    int SlotLimit,
    int Queued,
    int QueueLimit,
    long Rejected,
    DependencyFaults Faults);
