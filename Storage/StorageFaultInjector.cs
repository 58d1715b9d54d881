namespace OrleansConsistency.Storage;

/// <summary>
/// Injects storage faults into a provider's write path, for tests and the fault-injection admin endpoint.
/// Thread-safe. Counts are per write, not per transaction, so a fault hits the same number of writes however
/// the writes happen to be batched.
/// </summary>
public sealed class StorageFaultInjector
{
    private int _writeFailures;
    private int _commitFailures;
    private long _writeLatencyTicks;
    private long _readLatencyTicks;

    /// <summary>An injector with the configured start-up faults in force.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A latency or count is negative.</exception>
    public static StorageFaultInjector From(StorageFaultSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var injector = new StorageFaultInjector { WriteLatency = settings.WriteLatency, ReadLatency = settings.ReadLatency };
        injector.FailNextWrites(settings.FailNextWrites);
        return injector;
    }

    /// <summary>
    /// Delay added before each storage transaction (and so to every write in it), as a slow database would.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan WriteLatency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _writeLatencyTicks));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            Interlocked.Exchange(ref _writeLatencyTicks, value.Ticks);
        }
    }

    /// <summary>
    /// Delay added before each read of a grain's state (so to every activation), as a slow database would.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan ReadLatency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _readLatencyTicks));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            Interlocked.Exchange(ref _readLatencyTicks, value.Ticks);
        }
    }

    /// <summary>How many of the next writes will still fail through <see cref="FailNextWrites"/>.</summary>
    public int PendingWriteFailures => Volatile.Read(ref _writeFailures);

    /// <summary>How many of the next commits will still lose their answer through <see cref="FailNextCommitsAfterDurable"/>.</summary>
    public int PendingCommitFailures => Volatile.Read(ref _commitFailures);

    /// <summary>
    /// Makes the next <paramref name="count"/> writes fail with <see cref="StorageUnavailableException"/> before they
    /// reach the database: nothing of them is written. Replaces any count still pending.
    /// </summary>
    public void FailNextWrites(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Interlocked.Exchange(ref _writeFailures, count);
    }

    /// <summary>
    /// Makes the next <paramref name="count"/> writes commit durably and then answer their callers with
    /// <see cref="CommitOutcomeUnknownException"/>, as when a connection drops while the COMMIT's answer is on the
    /// way. Replaces any count still pending.
    /// </summary>
    public void FailNextCommitsAfterDurable(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Interlocked.Exchange(ref _commitFailures, count);
    }

    /// <summary>Removes every pending fault and both latencies.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _writeFailures, 0);
        Interlocked.Exchange(ref _commitFailures, 0);
        Interlocked.Exchange(ref _writeLatencyTicks, 0);
        Interlocked.Exchange(ref _readLatencyTicks, 0);
    }

    internal bool TryTakeWriteFailure() => TryTakeOne(ref _writeFailures);

    internal bool TryTakeCommitFailure() => TryTakeOne(ref _commitFailures);

    private static bool TryTakeOne(ref int counter)
    {
        int current;
        do
        {
            current = Volatile.Read(ref counter);
            if (current <= 0)
            {
                return false;
            }
        }
        while (Interlocked.CompareExchange(ref counter, current - 1, current) != current);

        return true;
    }
}
