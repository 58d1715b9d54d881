using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;

namespace OrleansConsistency.Storage.Streams;

/// <summary>
/// Reads one queue of the events table for Orleans' pulling agent. Each ask of the agent waits, up to the next poll,
/// for a commit in this silo to wake the queue, and then reads the table; without a wake-up it reads at the poll
/// (<see cref="EventsTableStreamOptions.PollInterval"/>). So a local commit is delivered at once and another silo's
/// within one poll interval, and an idle queue costs one read per poll. Where delivery got to is checkpointed, so the
/// queue's next reader (after a restart, or on another silo when Orleans moves the queue) resumes there.
/// </summary>
internal sealed partial class EventsTableQueueReceiver : IQueueAdapterReceiver
{
    private static readonly IList<IBatchContainer> Nothing = Array.Empty<IBatchContainer>();

    private readonly int _queue;
    private readonly EventQueues _queues;
    private readonly IEventLog _log;
    private readonly IStreamQueueCheckpointStore _checkpoints;
    private readonly EventsTableStreamOptions _options;
    private readonly TimeSpan _lateCommitWindow;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action _wake;

    // Sequences returned above the floor, so that reading the late-commit window again returns only what is new.
    private readonly HashSet<long> _returned = [];
    private readonly Queue<(long Timestamp, long Highest)> _marks = new();
    private long _floor;
    private long _highest;
    private long _readOrder;
    private long _delivered;
    private long _checkpointed;
    private long _lastPoll;
    private long _lastCheckpoint;
    private TaskCompletionSource _woken = NewSignal(set: true);

    /// <param name="queueId">The queue.</param>
    /// <param name="queues">The provider's queues, where local commits wake this reader.</param>
    /// <param name="log">The events table.</param>
    /// <param name="checkpoints">Where the queue's delivery checkpoint is kept.</param>
    /// <param name="options">How to read.</param>
    /// <param name="lateCommitWindow">How far back each poll reads again (zero when the log commits in sequence order).</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The log.</param>
    public EventsTableQueueReceiver(QueueId queueId, EventQueues queues, IEventLog log, IStreamQueueCheckpointStore checkpoints, EventsTableStreamOptions options, TimeSpan lateCommitWindow, TimeProvider time, ILogger logger)
    {
        _queue = (int)queueId.GetNumericId();
        _queues = queues;
        _log = log;
        _checkpoints = checkpoints;
        _options = options;
        _lateCommitWindow = lateCommitWindow;
        _time = time;
        _logger = logger;
        _wake = () => Volatile.Read(ref _woken).TrySetResult();
    }

    public async Task Initialize(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var checkpoint = await _checkpoints.GetQueueCheckpointAsync(_queues.ProviderName, _queue, cancel.Token).ConfigureAwait(false);

        // A queue read for the first time starts at the end: what came before is the consumers' catch-up, from the log.
        // A checkpoint is re-read from one window back, for rows that were still becoming visible when it was taken.
        _floor = _highest = checkpoint ?? await _log.ReadLastSequenceAsync(cancel.Token).ConfigureAwait(false);
        _delivered = _checkpointed = _floor;
        _lastCheckpoint = _time.GetTimestamp();
        _queues.Attach(_queue, _wake);
        LogStarted(_logger, _queues.ProviderName, _queue, _floor, checkpoint is not null);
    }

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        await CheckpointIfDueAsync(cancellationToken).ConfigureAwait(false);
        // Waits here, up to the next poll, for a local commit to wake it: the agent asks again as soon as this returns,
        // so a wake-up is served at once, and an idle queue costs one call per poll interval, not one per timer tick.
        var untilPoll = _options.PollInterval - _time.GetElapsedTime(_lastPoll);
        var woken = Volatile.Read(ref _woken);
        if (untilPoll > TimeSpan.Zero && !woken.Task.IsCompleted)
        {
            using var nap = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // Rounded up: Task.Delay counts whole milliseconds, and waking just short of the poll would read for nothing.
            var timeout = Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(untilPoll.TotalMilliseconds)), _time, nap.Token);
            await Task.WhenAny(woken.Task, timeout).ConfigureAwait(false);
            await nap.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        var now = _time.GetTimestamp();
        var poll = _time.GetElapsedTime(_lastPoll, now) >= _options.PollInterval;
        if (!poll && !woken.Task.IsCompleted)
        {
            return Nothing;
        }

        // Taken before the read: a commit that wakes the queue after this point is read next time.
        Volatile.Write(ref _woken, NewSignal(set: false));

        // A wake-up reads only what is past the highest row seen; a poll also reads the late-commit window again.
        var limit = maxCount > 0 ? Math.Min(maxCount, _options.PageSize) : _options.PageSize;
        var fresh = new List<EventRecord>();
        var from = poll ? _floor : _highest;
        var highestBefore = _highest;
        while (true)
        {
            var page = await _log.ReadQueueAsync(_queue, from, _options.PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var record in page)
            {
                if (record.Sequence > _floor && _returned.Add(record.Sequence))
                {
                    fresh.Add(record);
                    _highest = Math.Max(_highest, record.Sequence);
                }
            }

            if (page.Count < _options.PageSize)
            {
                break;
            }

            from = page[^1].Sequence;
            if (fresh.Count >= limit)
            {
                _wake(); // More waits: the agent asks again at once and must not wait for a wake-up.
                break;
            }
        }

        if (poll)
        {
            _lastPoll = now;
            AdvanceFloor(now, highestBefore);
        }

        if (fresh.Count == 0)
        {
            return Nothing;
        }

        var batches = new List<IBatchContainer>(fresh.Count * 2);
        foreach (var record in fresh)
        {
            var order = ++_readOrder;
            batches.Add(new EventBatchContainer(StreamId.Create(record.StreamNamespace, record.StreamKey), record, new EventsTableToken(record.Sequence, order, 0)));
            batches.Add(new EventBatchContainer(EventsTableStreams.NamespaceFeed(record.StreamNamespace), record, new EventsTableToken(record.Sequence, order, 1)));
        }

        EventsTableStreams.Read.Add(fresh.Count);
        return batches;
    }

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        // Called with what the cache purged: every subscriber has taken it.
        foreach (var message in messages)
        {
            _delivered = Math.Max(_delivered, message.SequenceToken.SequenceNumber);
        }

        return Task.CompletedTask;
    }

    public async Task Shutdown(TimeSpan timeout)
    {
        _queues.Detach(_queue, _wake);
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await CheckpointAsync(cancel.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Shutting down must not fail for this: the next reader re-reads from the last checkpoint.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogCheckpointFailed(_logger, exception, _queues.ProviderName, _queue);
        }

        LogStopped(_logger, _queues.ProviderName, _queue, _checkpointed);
    }

    private static TaskCompletionSource NewSignal(bool set)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (set)
        {
            signal.SetResult();
        }

        return signal;
    }

    /// <summary>
    /// Moves the floor up to the highest row seen at least one late-commit window ago: no row at or below it can still
    /// appear. Without a window (SQLite), the floor is the highest row seen.
    /// </summary>
    private void AdvanceFloor(long now, long highestBeforeThisRead)
    {
        if (_lateCommitWindow == TimeSpan.Zero)
        {
            _floor = _highest;
        }
        else
        {
            _marks.Enqueue((now, highestBeforeThisRead));
            while (_marks.Count > 0 && _time.GetElapsedTime(_marks.Peek().Timestamp, now) >= _lateCommitWindow)
            {
                _floor = Math.Max(_floor, _marks.Dequeue().Highest);
            }
        }

        _returned.RemoveWhere(sequence => sequence <= _floor);
    }

    private async Task CheckpointIfDueAsync(CancellationToken cancellationToken)
    {
        if (Math.Min(_delivered, _floor) > _checkpointed && _time.GetElapsedTime(_lastCheckpoint) >= _options.CheckpointInterval)
        {
            try
            {
                await CheckpointAsync(cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A missed checkpoint only means re-reading a little more after a move; delivery goes on.
            catch (Exception exception) when (exception is not OperationCanceledException)
#pragma warning restore CA1031
            {
                LogCheckpointFailed(_logger, exception, _queues.ProviderName, _queue);
            }
        }
    }

    /// <summary>
    /// Stores how far the queue is done: delivered, and below the floor (so nothing at or below it can still appear).
    /// The next reader of the queue starts there; what it delivers again, subscribers drop by version.
    /// </summary>
    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        _lastCheckpoint = _time.GetTimestamp();
        var done = Math.Min(_delivered, _floor);
        if (done > _checkpointed)
        {
            await _checkpoints.SetQueueCheckpointAsync(_queues.ProviderName, _queue, done, cancellationToken).ConfigureAwait(false);
            _checkpointed = done;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream provider {Provider} reads queue {Queue} here, after sequence {Sequence} (from its checkpoint: {FromCheckpoint})")]
    private static partial void LogStarted(ILogger logger, string provider, int queue, long sequence, bool fromCheckpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream provider {Provider} stopped reading queue {Queue} here, checkpoint at sequence {Sequence}")]
    private static partial void LogStopped(ILogger logger, string provider, int queue, long sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream provider {Provider} could not store the checkpoint of queue {Queue}; it tries again")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception, string provider, int queue);
}
