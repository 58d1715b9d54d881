using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Streams;
using OrleansConsistency.Grains.Interfaces.Resources;

namespace OrleansConsistency.Grains.Interfaces.Streams;

/// <summary>
/// Follows one resource's transitions from a version on: every later version exactly once and in order, first from
/// the log, then live from its Orleans stream, with no gap and no duplicate at the seam. It subscribes first (live
/// events are buffered), then reads the log, then drains the buffer, dropping versions it already delivered; a gap
/// between versions, a full buffer or a stream error is read back from the log. Orleans' stream is never asked to
/// rewind: a token older than its cache would silently miss events.
/// </summary>
public sealed partial class ResourceStreamFollower : IAsyncDisposable, IAsyncObserver<TransitionEvent>
{
    private const int LiveBufferSize = 4096;
    private const int LogPageSize = 256;
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly Channel<TransitionEvent?> _live = Channel.CreateBounded<TransitionEvent?>(new BoundedChannelOptions(LiveBufferSize) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly ResourceKey _resource;
    private readonly IResourceHistory _history;
    private readonly Func<TransitionEvent, Task> _onNext;
    private readonly ILogger _logger;
    private StreamSubscriptionHandle<TransitionEvent>? _subscription;
    private long _lastDelivered;
    private volatile bool _possiblyMissed;
    private Task _loop = Task.CompletedTask;
    private int _disposed;

    private ResourceStreamFollower(ResourceKey resource, IResourceHistory history, long afterVersion, Func<TransitionEvent, Task> onNext, ILogger logger)
    {
        _resource = resource;
        _history = history;
        _lastDelivered = afterVersion;
        _onNext = onNext;
        _logger = logger;
    }

    /// <summary>The last version delivered (where to resume from).</summary>
    public long LastDelivered => Interlocked.Read(ref _lastDelivered);

    /// <summary>
    /// Starts following <paramref name="resource"/> after <paramref name="afterVersion"/> (0 = from the beginning).
    /// <paramref name="onNext"/> gets one transition at a time; when it throws, the same one is retried with backoff,
    /// never skipped.
    /// </summary>
    /// <exception cref="ResumePointTooOldException">The log no longer keeps the versions right after <paramref name="afterVersion"/>.</exception>
    public static async Task<ResourceStreamFollower> StartAsync(
        IStreamProvider streams,
        IResourceHistory history,
        ResourceKey resource,
        long afterVersion,
        Func<TransitionEvent, Task> onNext,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streams);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(onNext);
        ArgumentOutOfRangeException.ThrowIfNegative(afterVersion);
        var follower = new ResourceStreamFollower(resource, history, afterVersion, onNext, logger ?? NullLogger.Instance);

        // Listen before reading the log, so an event committed in between is buffered, not lost.
        var stream = streams.GetStream<TransitionEvent>(ResourceStreams.Of(resource));
        follower._subscription = await stream.SubscribeAsync(follower).WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await history.GetOldestVersionAsync(resource, cancellationToken).ConfigureAwait(false) is { } oldest && oldest > afterVersion + 1)
            {
                throw new ResumePointTooOldException(resource.ToString(), afterVersion, oldest);
            }
        }
        catch
        {
            await follower.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        follower._loop = Task.Run(() => follower.RunAsync(follower._stop.Token), CancellationToken.None);
        return follower;
    }

    Task IAsyncObserver<TransitionEvent>.OnNextAsync(TransitionEvent item, StreamSequenceToken? token)
    {
        if (!_live.Writer.TryWrite(item))
        {
            _possiblyMissed = true;
        }

        return Task.CompletedTask;
    }

    Task IAsyncObserver<TransitionEvent>.OnCompletedAsync() => Task.CompletedTask;

    Task IAsyncObserver<TransitionEvent>.OnErrorAsync(Exception ex)
    {
        // Orleans reports what it could not deliver (a cache miss, a failed delivery): read the log to be sure.
        LogStreamError(_logger, ex, _resource);
        _possiblyMissed = true;
        _live.Writer.TryWrite(null);
        return Task.CompletedTask;
    }

    /// <summary>Stops: unsubscribes, and waits for the transition in hand.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            if (_subscription is not null)
            {
                await _subscription.UnsubscribeAsync().ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // Stopping must finish: a subscription the cluster cannot remove now is dropped when this client goes.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogUnsubscribeFailed(_logger, ex, _resource);
        }

        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping is what was asked for.
        }

        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        await CatchUpAsync(stopping).ConfigureAwait(false);
        var reader = _live.Reader;
        while (await reader.WaitToReadAsync(stopping).ConfigureAwait(false))
        {
            while (reader.TryRead(out var live))
            {
                if (live is null || live.Version <= _lastDelivered)
                {
                    continue;
                }

                if (live.Version > _lastDelivered + 1)
                {
                    await CatchUpAsync(stopping).ConfigureAwait(false);
                }

                if (live.Version == _lastDelivered + 1)
                {
                    await DeliverAsync(live, stopping).ConfigureAwait(false);
                }
            }

            if (_possiblyMissed)
            {
                _possiblyMissed = false;
                await CatchUpAsync(stopping).ConfigureAwait(false);
            }
        }
    }

    private async Task CatchUpAsync(CancellationToken stopping)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            IReadOnlyList<TransitionEvent> page;
            try
            {
                page = await _history.ReadAsync(_resource, _lastDelivered + 1, LogPageSize, stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                // The log is unreachable: try again; live events wait in the buffer meanwhile.
                LogCatchUpFailed(_logger, ex, _resource, _lastDelivered);
                await Task.Delay(delay, stopping).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
                continue;
            }

            foreach (var transition in page)
            {
                if (transition.Version == _lastDelivered + 1)
                {
                    await DeliverAsync(transition, stopping).ConfigureAwait(false);
                }
            }

            if (page.Count < LogPageSize)
            {
                return;
            }
        }
    }

    private async Task DeliverAsync(TransitionEvent transition, CancellationToken stopping)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _onNext(transition).ConfigureAwait(false);
                Interlocked.Exchange(ref _lastDelivered, transition.Version);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                LogDeliveryFailed(_logger, ex, _resource, transition.Version, attempt);
                await Task.Delay(delay, stopping).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivering version {Version} of {Resource} failed (attempt {Attempt}); retrying")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, ResourceKey resource, long version, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the log of {Resource} after version {Version} failed; retrying")]
    private static partial void LogCatchUpFailed(ILogger logger, Exception exception, ResourceKey resource, long version);

    [LoggerMessage(Level = LogLevel.Information, Message = "The stream of {Resource} reported an error; reading the log to make sure nothing is missed")]
    private static partial void LogStreamError(ILogger logger, Exception exception, ResourceKey resource);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Unsubscribing from the stream of {Resource} failed")]
    private static partial void LogUnsubscribeFailed(ILogger logger, Exception exception, ResourceKey resource);
}
