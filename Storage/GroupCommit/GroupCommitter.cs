using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace OrleansConsistency.Storage.GroupCommit;

/// <summary>
/// Commits grain writes. With group commit on, one loop takes whatever writes are queued (up to
/// <see cref="StorageOptions.MaxBatchSize"/>), runs them in one transaction and answers each caller only after that
/// transaction committed; with it off, every write runs in its own transaction at once. Shared by all providers;
/// the provider-specific SQL lives behind <see cref="IWriteBatchExecutor"/>.
/// </summary>
internal sealed class GroupCommitter : IAsyncDisposable
{
    private readonly IWriteBatchExecutor _executor;
    private readonly StorageFaultInjector _faults;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _maxBatchSize;
    private readonly TimeSpan _maxBatchDelay;
    private readonly Channel<PendingWrite>? _queue;
    private readonly Task _loop = Task.CompletedTask;

    /// <summary>Committed batches whose callers are answered once their commit is durable, beside the loop.</summary>
    private readonly HashSet<Task> _answering = [];
    private int _disposed;

    public GroupCommitter(IWriteBatchExecutor executor, StorageOptions options, StorageFaultInjector faults, TimeProvider time, ILogger logger)
    {
        _executor = executor;
        _faults = faults;
        _time = time;
        _logger = logger;
        _maxBatchSize = options.MaxBatchSize;
        _maxBatchDelay = options.MaxBatchDelay;
        Health = new StorageHealth(options, time);
        if (options.GroupCommit)
        {
            _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
            _loop = Task.Run(RunLoopAsync);
        }
    }

    public GroupCommitStatistics Statistics { get; } = new();

    /// <summary>The breaker fed by this write path; writes it refuses fail at once and are never tried.</summary>
    public StorageHealth Health { get; }

    public Task<string> WriteAsync(GrainStateWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(write.Records);
        return Enqueue(new PendingWrite(write, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Commits a consumer's progress row with the next batch of grain writes (or alone when group commit is off).
    /// </summary>
    /// <returns>The number the progress write answers (see <see cref="ProgressWrite"/>).</returns>
    public async Task<long> WriteProgressAsync(ProgressWrite progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var result = await Enqueue(new PendingWrite(progress, cancellationToken), cancellationToken).ConfigureAwait(false);
        return long.Parse(result, NumberStyles.None, CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Completing the queue lets the loop commit what is already queued before it ends: a shutdown drains
        // instead of failing writes that callers are waiting for.
        _queue?.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        Task[] answering;
        lock (_answering)
        {
            answering = [.. _answering];
        }

        await Task.WhenAll(answering).ConfigureAwait(false);
    }

    private Task<string> Enqueue(PendingWrite pending, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<string>(cancellationToken);
        }

        if (_queue is null)
        {
            return WriteAloneAsync(pending);
        }

        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(pending), this);
        return pending.Task;
    }

    private async Task<string> WriteAloneAsync(PendingWrite pending)
    {
        await ExecuteBatchAsync([pending]).ConfigureAwait(false);
        return await pending.Task.ConfigureAwait(false);
    }

    private async Task RunLoopAsync()
    {
        var reader = _queue!.Reader;
        var batch = new List<PendingWrite>(_maxBatchSize);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < _maxBatchSize && reader.TryRead(out var write))
            {
                batch.Add(write);
            }

            if (_maxBatchDelay > TimeSpan.Zero && batch.Count < _maxBatchSize)
            {
                await WaitForMoreAsync(reader, batch).ConfigureAwait(false);
            }

            try
            {
                await ExecuteBatchAsync(batch).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The loop must survive anything, or every later write would hang.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                StorageLog.LoopFailed(_logger, batch.Count, exception);
                foreach (var write in batch)
                {
                    write.Fail(new StorageUnavailableException("The storage write loop failed; the write was not committed.", exception));
                }
            }

            batch.Clear();
        }
    }

    private async Task WaitForMoreAsync(ChannelReader<PendingWrite> reader, List<PendingWrite> batch)
    {
        using var deadline = new CancellationTokenSource(_maxBatchDelay, _time);
        while (batch.Count < _maxBatchSize)
        {
            try
            {
                if (!await reader.WaitToReadAsync(deadline.Token).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                return;
            }

            while (batch.Count < _maxBatchSize && reader.TryRead(out var write))
            {
                batch.Add(write);
            }
        }
    }

    private async Task ExecuteBatchAsync(List<PendingWrite> batch)
    {
        var live = new List<PendingWrite>(batch.Count);
        var injected = new List<PendingWrite>();
        foreach (var write in batch)
        {
            if (!write.TryStart())
            {
                continue;
            }

            if (Health.TryEnter() is { } refused)
            {
                write.Fail(refused);
                continue;
            }

            // Injected faults count the product's grain writes only, so that a test's "fail the next N writes" means its
            // own writes.
            if (write.IsProductWrite && _faults.TryTakeWriteFailure())
            {
                injected.Add(write);
                continue;
            }

            live.Add(write);
        }

        if (injected.Count > 0)
        {
            // An injected fault stands for an unreachable database, so it counts against the breaker like one; the
            // breaker hears of it before the callers do, so whatever they try next meets its verdict.
            var failure = new StorageUnavailableException("Injected storage fault: the write failed before reaching the database; nothing was written.");
            if (live.Count == 0)
            {
                Health.RecordFailure(failure);
            }

            foreach (var write in injected)
            {
                write.Fail(failure);
            }
        }

        if (live.Count > 0)
        {
            await CommitAsync(live, mayIsolate: true).ConfigureAwait(false);
        }
    }

    /// <summary>Runs the writes in one transaction, retrying without a write that aborted it.</summary>
    private async Task CommitAsync(List<PendingWrite> writes, bool mayIsolate)
    {
        var remaining = writes;
        while (remaining.Count > 0)
        {
            foreach (var write in remaining)
            {
                write.ResetAttempt();
            }

            // Timed from here, so that injected latency (a slow database, for demonstrations) shows in the metric too.
            var started = _time.GetTimestamp();
            var latency = _faults.WriteLatency;
            if (latency > TimeSpan.Zero)
            {
                await Task.Delay(latency, _time).ConfigureAwait(false);
            }

            IWriteTransaction transaction;
            try
            {
                transaction = await _executor.BeginAsync(CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Every failure to open a transaction is answered to the callers, never lost.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                FailAll(remaining, exception);
                return;
            }

            await using (transaction.ConfigureAwait(false))
            {
                PendingWrite? abortedBy;
                try
                {
                    abortedBy = await transaction.ApplyAsync(remaining, _time.GetUtcNow().ToUnixTimeMilliseconds(), CancellationToken.None)
                        .ConfigureAwait(false);
                }
#pragma warning disable CA1031 // Classified below: isolate the culprit or answer every caller.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    if (mayIsolate && remaining.Count > 1 && _executor.IsWriteSpecific(exception))
                    {
                        Statistics.RecordIsolatedBatch();
                        StorageLog.BatchIsolated(_logger, remaining.Count, exception);
                        await DisposeQuietlyAsync(transaction).ConfigureAwait(false);
                        foreach (var write in remaining)
                        {
                            await CommitAsync([write], mayIsolate: false).ConfigureAwait(false);
                        }

                        return;
                    }

                    FailAll(remaining, exception);
                    return;
                }

                if (abortedBy is not null)
                {
                    // A unique violation aborted the transaction (PostgreSQL aborts it itself; on SQLite the write
                    // already changed the state): only this write is refused; the others are retried in a fresh
                    // transaction.
                    abortedBy.Complete();
                    remaining = remaining.Where(write => !ReferenceEquals(write, abortedBy)).ToList();
                    continue;
                }

                await CommitAppliedAsync(transaction, remaining, started).ConfigureAwait(false);
                return;
            }
        }

        // Every write was refused by the database for what it wrote: the database answered.
        Health.RecordSuccess();
    }

    private async Task CommitAppliedAsync(IWriteTransaction transaction, List<PendingWrite> writes, long started)
    {
        var succeeded = writes.Count(write => write.Failure is null);
        if (succeeded > 0)
        {
            try
            {
                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The executor decides whether a failed COMMIT may have been durable.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                FailCommitted(writes, succeeded, exception);
                return;
            }

            // The loop goes on with the next batch; these callers are answered when their commit is durable (at once
            // when COMMIT itself made it so). A shutdown waits for those answers after the loop ends.
            Track(AnswerWhenDurableAsync(transaction.WhenDurable, writes, succeeded, started));
            return;
        }

        Health.RecordSuccess();

        // Refused writes are answered only now, after the transaction's outcome is known, because their refusal may
        // have been decided against earlier writes of the same transaction.
        CompleteAll(writes);
    }

    /// <summary>Keeps an answer still waiting for its fsync until it is given, so that a shutdown can wait for it.</summary>
    private void Track(Task answer)
    {
        if (answer.IsCompleted)
        {
            return;
        }

        lock (_answering)
        {
            _answering.Add(answer);
        }

        _ = answer.ContinueWith(
            done =>
            {
                lock (_answering)
                {
                    _answering.Remove(done);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task AnswerWhenDurableAsync(Task whenDurable, List<PendingWrite> writes, int succeeded, long started)
    {
        try
        {
            await whenDurable.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed sync leaves the commit's durability unknown; the executor says how to answer.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            FailCommitted(writes, succeeded, exception);
            return;
        }

        try
        {
            AnswerCommitted(writes, started);
        }
#pragma warning disable CA1031 // Off the loop, nobody else would answer these callers: they would wait forever.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            StorageLog.LoopFailed(_logger, writes.Count, exception);
            foreach (var write in writes)
            {
                write.Fail(new CommitOutcomeUnknownException("The write was committed but answering it failed; reload the state before writing again.", exception));
            }
        }
    }

    private void FailCommitted(List<PendingWrite> writes, int succeeded, Exception exception)
    {
        var failure = _executor.MapCommitFailure(exception);
        Health.RecordFailure(failure);
        StorageLog.CommitFailed(_logger, succeeded, failure.GetType().Name, exception);
        foreach (var write in writes.Where(write => write.Failure is null))
        {
            write.Failure = failure;
        }

        CompleteAll(writes);
    }

    /// <summary>Answers a durable transaction's writes: the successful ones with their results, the refused ones with why.</summary>
    private void AnswerCommitted(List<PendingWrite> writes, long started)
    {
        Telemetry.StorageTelemetry.StorageCommitDuration.Record(_time.GetElapsedTime(started).TotalSeconds);
        Statistics.RecordCommit(writes.Count(write => write.Failure is null && write.Progress is null));

        // Injected write failures stand for an unreachable database but leave progress and Orleans' own writes alone
        // (so that "fail the next N writes" counts a test's own writes): a batch of those alone is no sign it is back.
        if (_faults.PendingWriteFailures == 0 || writes.Any(write => write.IsProductWrite))
        {
            Health.RecordSuccess();
        }
        foreach (var write in writes)
        {
            if (write.Failure is null && write.IsProductWrite && _faults.TryTakeCommitFailure())
            {
                write.Failure = new CommitOutcomeUnknownException(
                    "Injected storage fault: the commit's answer was lost (the write is in fact durable); reload the state before writing again.");
            }
        }

        CompleteAll(writes);
    }

    private void FailAll(List<PendingWrite> writes, Exception exception)
    {
        StorageLog.WritesFailed(_logger, writes.Count, exception);
        var failure = exception as StorageUnavailableException
            ?? new StorageUnavailableException($"Storage failed before the commit; nothing was written. {exception.Message}", exception);
        if (_executor.IsWriteSpecific(exception))
        {
            Health.RecordSuccess();
        }
        else
        {
            Health.RecordFailure(failure);
        }

        foreach (var write in writes)
        {
            write.Fail(failure);
        }
    }

    private static void CompleteAll(List<PendingWrite> writes)
    {
        foreach (var write in writes)
        {
            write.Complete();
        }
    }

    private static async Task DisposeQuietlyAsync(IWriteTransaction transaction)
    {
        try
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed rollback of a failed transaction changes nothing for the callers.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
