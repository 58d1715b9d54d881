namespace OrleansConsistency.Grains.Telemetry;

/// <summary>One failure as an operator reads it.</summary>
/// <param name="At">When it happened.</param>
/// <param name="Source">Where: <c>api</c> or <c>consumer:{name}</c>.</param>
/// <param name="Resource">The resource, <c>{type}/{id}</c>, when known.</param>
/// <param name="Code">A short stable code (a problem slug, <c>retry</c>, <c>gave-up</c>).</param>
/// <param name="Reason">The reason in plain words.</param>
public sealed record RecentFailure(DateTimeOffset At, string Source, string? Resource, string Code, string Reason);
