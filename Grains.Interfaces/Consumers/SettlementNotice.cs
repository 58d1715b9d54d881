namespace OrleansConsistency.Grains.Interfaces.Consumers;

/// <summary>A resource's settled version advanced: every required consumer has every version up to it.</summary>
/// <param name="Type">The resource's scoped type (<see cref="Resources.ResourceKey.ScopedType"/>: its tenant and type).</param>
/// <param name="Id">The resource id.</param>
/// <param name="SettledVersion">The new settled version.</param>
/// <param name="Version">The resource's version at that moment.</param>
/// <param name="At">When it advanced.</param>
public sealed record SettlementNotice(string Type, string Id, long SettledVersion, long Version, DateTimeOffset At);
