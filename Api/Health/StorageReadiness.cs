using OrleansConsistency.Storage;

namespace OrleansConsistency.Api.Health;

/// <summary>The database as the write path sees it: its breaker, and while it is not closed, since when and why.</summary>
internal sealed record StorageReadiness(string Breaker, DateTimeOffset? UnavailableSince, double? RetryAfterSeconds, string? LastError)
{
    /// <summary>The breaker's state now.</summary>
    public static StorageReadiness Of(StorageHealth storage) =>
        new(storage.State, storage.UnavailableSince, storage.RetryAfter?.TotalSeconds, storage.LastError);
}
