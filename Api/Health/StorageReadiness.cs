namespace OrleansConsistency.Api.Health;

/// <summary>The database as the write path sees it: its breaker, and while it is not closed, since when and why.</summary>
internal sealed record StorageReadiness(string Breaker, DateTimeOffset? UnavailableSince, double? RetryAfterSeconds, string? LastError);
