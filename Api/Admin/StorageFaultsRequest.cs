namespace OrleansConsistency.Api.Admin;

/// <summary>Storage faults to inject: each member left out is left as it is.</summary>
/// <param name="WriteLatency">Delay added before every storage transaction.</param>
/// <param name="FailNextWrites">How many of the next writes fail before they reach the database.</param>
/// <param name="FailNextCommitsAfterDurable">How many of the next writes commit and then lose their answer.</param>
internal sealed record StorageFaultsRequest(TimeSpan? WriteLatency, int? FailNextWrites, int? FailNextCommitsAfterDurable);
