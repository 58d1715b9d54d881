namespace OrleansConsistency.Api.Admin;

/// <summary>The storage faults in force.</summary>
internal sealed record StorageFaultsResponse(TimeSpan WriteLatency, int PendingWriteFailures, int PendingCommitFailures);
