using OrleansConsistency.Storage;

namespace OrleansConsistency.Storage.Streams;

/// <summary>Told by the hub about committed events of one stream. Must not block: it is called on the committing path.</summary>
internal interface IStreamListener
{
    void OnCommitted(EventRecord committed);

    /// <summary>A commit's answer was lost, so events may be in the log that were never announced: read the log.</summary>
    void OnPossiblyMissed();
}
