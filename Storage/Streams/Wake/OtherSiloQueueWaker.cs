using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OrleansConsistency.Storage.Streams.Wake;

/// <summary>
/// Wakes the readers of queues that other silos read, after this silo commits rows to them, so that an event committed
/// on one silo reaches the subscribers of a queue read by another without waiting for that silo's next poll
/// (<see cref="EventsTableStreamOptions.PollInterval"/>). It learns who reads which queue by asking each other active
/// silo every second, and sends at most one wake message per silo per <see cref="EventsTableStreamOptions.WakeCheckInterval"/>,
/// however many commits there were. Wakes are hints: one that is lost, or sent to a silo that no longer reads the
/// queue, only leaves the rows to the reader's next poll.
/// </summary>
internal sealed partial class OtherSiloQueueWaker : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private static readonly TimeSpan ReaderRefreshInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);

    private readonly string _providerName;
    private readonly EventsTableStreamOptions _options;
    private readonly IGrainFactory _grains;
    private readonly IClusterMembershipService _membership;
    private readonly SiloAddress _self;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<int, byte> _pending = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private volatile Dictionary<int, SiloAddress> _readers = [];
    private int _signalled;
    private Task _loops = Task.CompletedTask;

    public OtherSiloQueueWaker(
        string providerName,
        EventQueues queues,
        EventsTableStreamOptions options,
        IGrainFactory grains,
        IClusterMembershipService membership,
        ILocalSiloDetails silo,
        ILogger<OtherSiloQueueWaker> logger)
    {
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(silo);
        (_providerName, _options, _grains, _membership, _self, _logger) = (providerName, options, grains, membership, silo.SiloAddress, logger);
        queues.WakeOtherSilosWith(Request);
    }

    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(
            nameof(OtherSiloQueueWaker),
            ServiceLifecycleStage.Active,
            _ =>
            {
                _loops = Task.WhenAll(Task.Run(LearnReadersAsync, CancellationToken.None), Task.Run(SendWakesAsync, CancellationToken.None));
                return Task.CompletedTask;
            },
            async _ =>
            {
                await _stopping.CancelAsync().ConfigureAwait(false);
                await _loops.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            });
    }

    /// <summary>Notes that rows were committed to a queue this silo does not read.</summary>
    private void Request(int queue)
    {
        if (_readers.ContainsKey(queue) && _pending.TryAdd(queue, 0) && Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            _signal.Release();
        }
    }

    private async Task SendWakesAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(token).ConfigureAwait(false);
                Volatile.Write(ref _signalled, 0);
                var readers = _readers;
                var bySilo = new Dictionary<SiloAddress, List<int>>();
                foreach (var queue in _pending.Keys)
                {
                    _pending.TryRemove(queue, out _);
                    if (readers.TryGetValue(queue, out var silo))
                    {
                        (bySilo.TryGetValue(silo, out var list) ? list : bySilo[silo] = []).Add(queue);
                    }
                }

                foreach (var (silo, queues) in bySilo)
                {
                    await _grains.GetGrain<IQueueWakeGrain>(QueueWakeGrainKey.Of(_providerName, silo)).Wake([.. queues]).ConfigureAwait(false);
                }

                // Commits in the meantime are gathered into the next message.
                await Task.Delay(_options.WakeCheckInterval, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogWakeFailed(_logger, exception);
            }
        }
    }

    private async Task LearnReadersAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            var readers = new Dictionary<int, SiloAddress>();
            var others = _membership.CurrentSnapshot.Members.Values
                .Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(_self))
                .Select(m => m.SiloAddress);
            foreach (var silo in others)
            {
                try
                {
                    var queues = await _grains.GetGrain<IQueueWakeGrain>(QueueWakeGrainKey.Of(_providerName, silo)).ReadQueues().WaitAsync(AskTimeout, token).ConfigureAwait(false);
                    foreach (var queue in queues)
                    {
                        readers[queue] = silo;
                    }
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception exception)
                {
                    // That silo's queues go without wakes until it answers; their rows wait for its poll.
                    LogAskFailed(_logger, silo, exception);
                }
            }

            _readers = readers;
            await Task.Delay(ReaderRefreshInterval, token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _signal.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not ask silo {Silo} which stream queues it reads")]
    private static partial void LogAskFailed(ILogger logger, SiloAddress silo, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not wake another silo's stream queue reader")]
    private static partial void LogWakeFailed(ILogger logger, Exception exception);
}
