using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OrleansConsistency.Storage.Cluster.Leases;
using OrleansConsistency.Storage.Streams;

namespace OrleansConsistency.Storage.Cluster.Streams;

/// <summary>
/// In a cluster, a resource's events are committed by the silo that owns it, so this process's stream subscribers
/// (live updates over SSE, for instance) would hear only the commits of its own grains. This poller reads the events
/// table every <see cref="SiloClusterOptions.ConsumerEventPollInterval"/> while someone here subscribes, and hands the new
/// events to the subscribers of their streams. Subscriptions drop versions they already have and read gaps back from
/// the log, so an event that arrives both ways, or late, is delivered once and in order.
/// </summary>
internal sealed partial class ClusterStreamPoller : IHostedService, IAsyncDisposable
{
    private const string ResourceKeyPrefix = "resource/";

    // With the default 200 ms interval, five notes reach back one second: EventsTableTail's late-commit window.
    private const int IdleMarksKept = 5;

    private readonly StreamHub _hub;
    private readonly SiloClusterOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ConsumerLeaseTable? _events;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private bool _disposed;

    public ClusterStreamPoller(SiloClusterOptions cluster, StorageOptions storage, string siloName, StreamHub hub, TimeProvider timeProvider, ILogger logger)
    {
        _hub = hub;
        _options = cluster;
        _timeProvider = timeProvider;
        _logger = logger;
        if (cluster.Enabled)
        {
            var builder = new NpgsqlConnectionStringBuilder(storage.EffectiveConnectionString)
            {
                MaxPoolSize = 2,
                ApplicationName = $"stream-poller:{siloName}",
            };
            _events = new ConsumerLeaseTable(NpgsqlDataSource.Create(builder.ConnectionString));
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_events is not null)
        {
            // Read before anyone here can subscribe, so that the first subscription's tail has a start from the past.
            // Unreachable now, the first poll notes it instead: a silo must not fail to start for this.
            long? start = null;
            try
            {
                start = await _events.ReadLastSequenceAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException exception)
            {
                LogPollFailed(_logger, exception);
            }

            _loop = Task.Run(() => RunAsync(start, _stopping.Token), CancellationToken.None);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        _events is null ? Task.CompletedTask : StopLoopAsync().WaitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        // A host may be disposed without being stopped, or stopped again after disposal: both must be harmless.
        if (_disposed)
        {
            return;
        }

        await StopLoopAsync().ConfigureAwait(false);
        _disposed = true;
        _stopping.Dispose();
        if (_events is not null)
        {
            await _events.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task StopLoopAsync()
    {
        if (!_disposed && !_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync(long? start, CancellationToken stopping)
    {
        // While nobody here subscribes, the poller only notes where the log ends, once per poll; the last few notes
        // are kept. When a subscription appears, reading starts from the oldest of them, from before the subscription
        // began: events committed between its catch-up read and the poll that sees it are then read too, as are
        // commits that took a sequence value early and became visible late. What it already has, it drops.
        var idleMarks = new Queue<long>();
        if (start is { } known)
        {
            idleMarks.Enqueue(known);
        }

        EventsTableTail? tail = null;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.ConsumerEventPollInterval, _timeProvider, stopping).ConfigureAwait(false);
                if (tail is null || _hub.SubscriptionCount == 0)
                {
                    // The mark is read before the count is looked at, so a subscription that starts in between is
                    // still after the mark.
                    var mark = await _events!.ReadLastSequenceAsync(stopping).ConfigureAwait(false);
                    if (_hub.SubscriptionCount == 0)
                    {
                        if (tail is not null)
                        {
                            // Nobody listens any more: stop reading events; older notes lie behind what was read.
                            tail = null;
                            idleMarks.Clear();
                        }

                        idleMarks.Enqueue(mark);
                        while (idleMarks.Count > IdleMarksKept)
                        {
                            idleMarks.Dequeue();
                        }

                        continue;
                    }

                    tail ??= new EventsTableTail(_events, idleMarks.Count > 0 ? idleMarks.Peek() : mark, _timeProvider);
                }

                _hub.PublishToSubscribers(await tail.ReadNewAsync(ResourceKeyPrefix, stopping).ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The loop must go on; a subscriber that missed a poll reads the gap back on the next event.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogPollFailed(_logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the events table for this process's stream subscribers failed; trying again")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
