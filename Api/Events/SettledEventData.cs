namespace OrleansConsistency.Api.Events;

/// <summary>The data of an <c>event: settled</c>: every required consumer has the resource up to <paramref name="SettledVersion"/>.</summary>
/// <param name="SettledVersion">The new settled version.</param>
/// <param name="Version">The resource's version at that moment.</param>
/// <param name="At">When settlement advanced.</param>
internal sealed record SettledEventData(long SettledVersion, long Version, DateTimeOffset At);
