using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Storage.Streams;

/// <summary>
/// One subscriber's delivery loop. Live events arrive through a bounded buffer; anything the buffer could not take,
/// or any gap between versions, is read back from the durable log, so a slow subscriber costs bounded memory and
/// never misses an event. Versions at or below the last delivered one are dropped, so the seam has no duplicate.
/// </summary>
internal sealed partial class EventStreamSubscription<T> : EventStreamSubscriptionHandle, IStreamListener
{
    private const int LiveBufferSize = 4096;
    private const int LogPageSize = 256;
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly Channel<EventRecord?> _live = Channel.CreateBounded<EventRecord?>(new BoundedChannelOptions(LiveBufferSize) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly StreamHub _hub;
    private readonly IEventLog _log;
    private readonly JsonSerializerOptions _json;
    private readonly Func<T, EventStreamPosition, Task> _onNext;
    private readonly ILogger _logger;
    private long _lastDelivered;
    private volatile bool _possiblyMissed;
    private Task _loop = Task.CompletedTask;

    public EventStreamSubscription(EventStreamId stream, StreamHub hub, IEventLog log, JsonSerializerOptions json, Func<T, EventStreamPosition, Task> onNext, long? after, ILogger logger)
    {
        EventStreamId = stream;
        _hub = hub;
        _log = log;
        _json = json;
        _onNext = onNext;
        _logger = logger;

        // -1: live only; the first live event sets the baseline.
        _lastDelivered = after ?? -1;
    }

    public override EventStreamId EventStreamId { get; }

    public override EventStreamPosition LastDelivered => new(Math.Max(0, Interlocked.Read(ref _lastDelivered)));

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    public void OnCommitted(EventRecord committed)
    {
        if (!_live.Writer.TryWrite(committed))
        {
            _possiblyMissed = true;
        }
    }

    public void OnPossiblyMissed()
    {
        _possiblyMissed = true;
        _live.Writer.TryWrite(null);
    }

    public override async Task UnsubscribeAsync()
    {
        _hub.Unregister(EventStreamId, this);
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping is what was asked for.
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        if (_lastDelivered >= 0)
        {
            await CatchUpAsync(stopping).ConfigureAwait(false);
        }

        var reader = _live.Reader;
        while (await reader.WaitToReadAsync(stopping).ConfigureAwait(false))
        {
            while (reader.TryRead(out var committed))
            {
                if (committed is null || (_lastDelivered >= 0 && committed.Version <= _lastDelivered))
                {
                    continue;
                }

                if (_lastDelivered >= 0 && committed.Version > _lastDelivered + 1)
                {
                    await CatchUpAsync(stopping).ConfigureAwait(false);
                }

                if (_lastDelivered < 0 || committed.Version == _lastDelivered + 1)
                {
                    await DeliverAsync(committed, stopping).ConfigureAwait(false);
                }
            }

            if (_possiblyMissed && _lastDelivered >= 0)
            {
                _possiblyMissed = false;
                await CatchUpAsync(stopping).ConfigureAwait(false);
            }
        }
    }

    private async Task CatchUpAsync(CancellationToken stopping)
    {
        while (true)
        {
            var page = await _log.ReadStreamAsync(EventStreamId.Namespace, EventStreamId.Key, _lastDelivered + 1, LogPageSize, stopping).ConfigureAwait(false);
            foreach (var record in page)
            {
                await DeliverAsync(record, stopping).ConfigureAwait(false);
            }

            if (page.Count < LogPageSize)
            {
                return;
            }
        }
    }

    /// <summary>Delivers one event, retrying with backoff until the subscriber takes it: an event is never skipped.</summary>
    private async Task DeliverAsync(EventRecord record, CancellationToken stopping)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var item = JsonSerializer.Deserialize<T>(record.Payload, _json)!;
                await _onNext(item, new EventStreamPosition(record.Version)).ConfigureAwait(false);
                Interlocked.Exchange(ref _lastDelivered, record.Version);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                LogDeliveryFailed(_logger, ex, EventStreamId, record.Version, attempt);
                await Task.Delay(delay, stopping).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivering version {Version} of {Stream} failed (attempt {Attempt}); retrying")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, EventStreamId stream, long version, int attempt);
}
