namespace OrleansConsistency.Storage.GrainStorage;

/// <summary>
/// A grain state whose writes carry rows that must commit in the same transaction as the state: intent records and
/// transition events. <see cref="GroupCommitGrainStorage"/> takes the queued rows on each write, so a write that
/// fails takes them with it and the next write does not commit them by accident.
/// </summary>
public interface ICarriesCommitRecords
{
    /// <summary>The rows queued for the next write.</summary>
    PendingCommitRecords PendingRecords { get; }

    /// <summary>The domain version stored beside the state (a column the event log and operators can read); null for none.</summary>
    long? StoredVersion { get; }
}
