namespace OrleansConsistency.Storage;

/// <summary>
/// Counters of a provider's committed transactions, for tests and benchmarks. Thread-safe.
/// </summary>
public sealed class GroupCommitStatistics
{
    private long _transactions;
    private long _writes;
    private long _maxWritesInOneTransaction;
    private long _isolatedBatches;

    /// <summary>Transactions that committed at least one write.</summary>
    public long Transactions => Interlocked.Read(ref _transactions);

    /// <summary>Writes committed.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>The most writes one transaction committed.</summary>
    public long MaxWritesInOneTransaction => Interlocked.Read(ref _maxWritesInOneTransaction);

    /// <summary>Batches that failed with a database error and were retried one transaction per write.</summary>
    public long IsolatedBatches => Interlocked.Read(ref _isolatedBatches);

    /// <summary>Sets every counter to zero, e.g. between a benchmark's warm-up and its measurement.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _transactions, 0);
        Interlocked.Exchange(ref _writes, 0);
        Interlocked.Exchange(ref _maxWritesInOneTransaction, 0);
        Interlocked.Exchange(ref _isolatedBatches, 0);
    }

    internal void RecordCommit(int writes)
    {
        // A transaction that carried only consumers' progress rows is not counted: these counters are about grain writes.
        if (writes == 0)
        {
            return;
        }

        Interlocked.Increment(ref _transactions);
        Interlocked.Add(ref _writes, writes);
        Telemetry.StorageTelemetry.StorageTransactions.Add(1);
        Telemetry.StorageTelemetry.StorageWrites.Add(writes);
        long current;
        while (writes > (current = Interlocked.Read(ref _maxWritesInOneTransaction))
               && Interlocked.CompareExchange(ref _maxWritesInOneTransaction, writes, current) != current)
        {
        }
    }

    internal void RecordIsolatedBatch() => Interlocked.Increment(ref _isolatedBatches);
}
