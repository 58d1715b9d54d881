using System.Data.Common;

namespace OrleansConsistency.Runtime.Storage;

/// <summary>Exceptions shared by the providers, so both describe the same failure in the same words.</summary>
internal static class StorageErrors
{
    public static InconsistentStateException EventConflict(EventRecord @event, Exception? innerException) =>
        new($"Event version {@event.Version} of stream {@event.StreamNamespace}/{@event.StreamKey} is already stored: another writer committed that version. Nothing was written.",
            innerException ?? new InvalidOperationException("Duplicate event version."));

    public static StorageUnavailableException ReadFailed(string provider, DbException exception) =>
        new($"The {provider} storage failed: {exception.Message}", exception);
}
