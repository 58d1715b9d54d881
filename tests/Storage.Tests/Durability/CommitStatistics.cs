namespace OrleansConsistency.Storage.Tests.Durability;

/// <summary>One <c>STATS</c> line of the CrashWriter: its storage provider's group-commit counters at that moment.</summary>
internal sealed record CommitStatistics(long Transactions, long Writes, long MaxWritesInOneTransaction);
