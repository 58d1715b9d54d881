using System.Data.Common;
using Orleans.Storage;

namespace OrleansConsistency.Storage;

/// <summary>Exceptions shared by the providers, so both describe the same failure in the same words.</summary>
internal static class StorageErrors
{
    public static InconsistentStateException EventConflict(EventRecord @event, Exception? innerException) =>
        new($"Event version {@event.Version} of stream {@event.StreamNamespace}/{@event.StreamKey} is already stored: another writer committed that version. Nothing was written.",
            innerException ?? new InvalidOperationException("Duplicate event version."));

    /// <summary>A compare-and-swap that found another ETag: Orleans' own exception, so callers on any silo catch one type.</summary>
    public static InconsistentStateException StaleWrite(string grainType, string grainId, string? expectedEtag, string? storedEtag) =>
        new($"Stale write to {grainType}/{grainId}: expected ETag '{expectedEtag ?? "(none)"}' but storage has '{storedEtag ?? "(none)"}'. Nothing was written.",
            storedEtag ?? string.Empty,
            expectedEtag ?? string.Empty);

    public static StorageUnavailableException ReadFailed(string provider, DbException exception) =>
        new($"The {provider} storage failed: {exception.Message}", exception);
}
