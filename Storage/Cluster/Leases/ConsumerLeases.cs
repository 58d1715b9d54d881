using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OrleansConsistency.Storage;
using OrleansConsistency.Storage.Cluster.Membership;

namespace OrleansConsistency.Storage.Cluster.Leases;

/// <summary>
/// Spreads the consumers over the silos of a cluster. Each consumer's resources are split into
/// <see cref="SiloClusterOptions.ConsumerPartitions"/> partitions; a silo handles a partition only while it holds its
/// lease in <c>consumer_leases</c>. Every heartbeat period the silo renews its leases, gives up those above its fair
/// share (ceil(partitions / live silos)) and takes free or expired ones up to it; on a graceful stop it releases them
/// all. A silo that dies stops renewing: its leases expire after <see cref="SiloClusterOptions.DeathTimeout"/> by the
/// database's clock and the others take them, resuming from the checkpoints. The poller brings events committed on
/// other silos to this silo's consumers. Leases only avoid duplicate work; they are not what keeps the data right
/// (checkpoints never move back and projections are versioned). Without a cluster the silo holds every partition.
/// </summary>
public sealed partial class ConsumerLeases : IHostedService, IAsyncDisposable
{
    private readonly SiloClusterOptions _options;
    private readonly ClusterMembership? _membership;
    private readonly ConsumerLeaseTable? _table;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, byte> _consumers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, (string Prefix, Action<EventRecord> Observer)> _observers = new();
    private readonly ConcurrentDictionary<long, (string Consumer, Action Callback)> _acquiredCallbacks = new();
    private readonly SemaphoreSlim _renewNow = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private ImmutableDictionary<string, ImmutableHashSet<int>> _held = ImmutableDictionary<string, ImmutableHashSet<int>>.Empty;
    private long _validUntilTimestamp;
    private long _nextRegistration;
    private Task? _renewLoop;
    private Task? _pollLoop;

    /// <summary>Creates the leases of one silo; without a cluster every partition is this silo's.</summary>
    public ConsumerLeases(SiloClusterOptions cluster, StorageOptions storage, string siloName, ClusterMembership? membership, TimeProvider timeProvider, ILogger logger)
    {
        _options = cluster;
        _timeProvider = timeProvider;
        _logger = logger;
        if (cluster is { Enabled: true, ClientOnly: false } && membership is not null)
        {
            _membership = membership;
            var builder = new NpgsqlConnectionStringBuilder(storage.EffectiveConnectionString)
            {
                MaxPoolSize = 3,
                Timeout = Math.Max(2, (int)_options.HeartbeatPeriod.TotalSeconds),
                CommandTimeout = Math.Max(2, (int)_options.HeartbeatPeriod.TotalSeconds * 2),
                ApplicationName = $"consumer-leases:{siloName}",
            };
            _table = new ConsumerLeaseTable(NpgsqlDataSource.Create(builder.ConnectionString));
        }
    }

    /// <summary>True in a clustered silo: consumers handle only the partitions leased here. False: this silo handles all.</summary>
    public bool IsPartitioned => _table is not null;

    /// <summary>How many partitions each consumer has (1 without a cluster).</summary>
    public int Partitions => IsPartitioned ? _options.ConsumerPartitions : 1;

    /// <summary>Asks for leases of <paramref name="consumer"/> from the next round on (one starts at once).</summary>
    public void Register(string consumer)
    {
        if (IsPartitioned && _consumers.TryAdd(consumer, 0))
        {
            RequestRenewal();
        }
    }

    /// <summary>True when this silo should handle <paramref name="resourceId"/> for <paramref name="consumer"/> now.</summary>
    public bool Holds(string consumer, string resourceId)
    {
        if (!IsPartitioned)
        {
            return true;
        }

        return StillValid()
            && Volatile.Read(ref _held).TryGetValue(consumer, out var partitions)
            && partitions.Contains(ConsumerPartitioning.PartitionOf(resourceId, _options.ConsumerPartitions));
    }

    /// <summary>The partitions of <paramref name="consumer"/> this silo holds now.</summary>
    public IReadOnlySet<int> HeldPartitions(string consumer)
    {
        if (!IsPartitioned)
        {
            return ImmutableHashSet.Create(0);
        }

        return StillValid() && Volatile.Read(ref _held).TryGetValue(consumer, out var partitions) ? partitions : ImmutableHashSet<int>.Empty;
    }

    /// <summary>Calls <paramref name="callback"/> whenever this silo gains partitions of <paramref name="consumer"/> (to sweep them from the checkpoints).</summary>
    public IDisposable OnAcquired(string consumer, Action callback)
    {
        var id = Interlocked.Increment(ref _nextRegistration);
        _acquiredCallbacks[id] = (consumer, callback);
        return new Registration(() => _acquiredCallbacks.TryRemove(id, out _));
    }

    /// <summary>
    /// Calls <paramref name="observer"/> with events committed anywhere in the cluster (read from the events table) in
    /// namespaces starting with <paramref name="namespacePrefix"/>; nothing without a cluster (the commit path is enough).
    /// </summary>
    public IDisposable ObserveClusterCommits(string namespacePrefix, Action<EventRecord> observer)
    {
        if (!IsPartitioned)
        {
            return new Registration(() => { });
        }

        var id = Interlocked.Increment(ref _nextRegistration);
        _observers[id] = (namespacePrefix, observer);
        return new Registration(() => _observers.TryRemove(id, out _));
    }

    /// <summary>Every lease that has not expired, held by any silo (diagnosis and tests).</summary>
    public Task<IReadOnlyList<ConsumerLease>> ReadLiveLeasesAsync(CancellationToken cancellationToken) =>
        _table?.ReadLiveAsync(cancellationToken) ?? Task.FromResult<IReadOnlyList<ConsumerLease>>([]);

    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_table is null)
        {
            return;
        }

        var after = await _table.ReadLastSequenceAsync(cancellationToken).ConfigureAwait(false);
        _renewLoop = Task.Run(() => RenewLoopAsync(_stopping.Token), CancellationToken.None);
        _pollLoop = Task.Run(() => PollLoopAsync(after, _stopping.Token), CancellationToken.None);
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_table is null || _membership is null)
        {
            return;
        }

        await StopLoopsAsync().ConfigureAwait(false);
        Volatile.Write(ref _held, ImmutableDictionary<string, ImmutableHashSet<int>>.Empty);
        try
        {
            // Others take the partitions at their next round instead of after the leases expire.
            await _table.ReleaseAllAsync(_membership.SiloId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            LogReleaseFailed(_logger, ex, _membership.SiloId);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopLoopsAsync().ConfigureAwait(false);
        if (_table is not null)
        {
            await _table.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
        _renewNow.Dispose();
    }

    private bool StillValid() =>
        _membership is { HoldsLease: true } && _timeProvider.GetTimestamp() < Interlocked.Read(ref _validUntilTimestamp);

    private void RequestRenewal()
    {
        try
        {
            _renewNow.Release();
        }
        catch (SemaphoreFullException)
        {
            // A round is already asked for.
        }
    }

    private async Task StopLoopsAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        foreach (var loop in new[] { _renewLoop, _pollLoop })
        {
            if (loop is not null)
            {
                await loop.ConfigureAwait(false);
            }
        }
    }

    private async Task RenewLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await RenewAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Whatever failed, the loop must go on: the leases stay valid until their local deadline, then this silo stops consuming.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogRenewFailed(_logger, ex, _membership!.SiloId);
            }

            try
            {
                await _renewNow.WaitAsync(_options.HeartbeatPeriod, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One round: renew, give up what is above the fair share, take free partitions up to it.</summary>
    private async Task RenewAsync(CancellationToken stopping)
    {
        var membership = _membership!;
        var table = _table!;
        if (!membership.HoldsLease || _consumers.IsEmpty)
        {
            return;
        }

        // The time is taken before the write, and the local deadline is a heartbeat shorter than the database's
        // expiry: this silo stops handling a partition before anyone else may take it.
        var started = _timeProvider.GetTimestamp();
        var me = membership.SiloId;
        var renewed = await table.RenewAsync(me, _options.DeathTimeout, stopping).ConfigureAwait(false);
        var partitions = _options.ConsumerPartitions;
        var fairShare = (partitions + Math.Max(1, membership.CurrentView.Members.Length) - 1) / Math.Max(1, membership.CurrentView.Members.Length);
        var held = ImmutableDictionary.CreateBuilder<string, ImmutableHashSet<int>>(StringComparer.Ordinal);
        foreach (var consumer in _consumers.Keys)
        {
            var owned = renewed.Where(r => r.Consumer == consumer).Select(r => r.Partition).ToHashSet();
            if (owned.Count > fairShare)
            {
                var surplus = owned.OrderBy(p => ConsumerPartitioning.Preference(consumer, p, me)).Take(owned.Count - fairShare).ToList();
                await table.ReleaseAsync(consumer, me, surplus, stopping).ConfigureAwait(false);
                owned.ExceptWith(surplus);
            }
            else if (owned.Count < fairShare)
            {
                var taken = await table.ReadTakenAsync(consumer, me, stopping).ConfigureAwait(false);
                var candidates = Enumerable.Range(0, partitions)
                    .Where(p => !owned.Contains(p) && !taken.Contains(p))
                    .OrderByDescending(p => ConsumerPartitioning.Preference(consumer, p, me))
                    .Take(fairShare - owned.Count)
                    .ToList();
                if (candidates.Count > 0)
                {
                    owned.UnionWith(await table.TryAcquireAsync(consumer, me, candidates, _options.DeathTimeout, stopping).ConfigureAwait(false));
                }
            }

            held[consumer] = [.. owned];
        }

        var wasValid = StillValid();
        var before = Volatile.Read(ref _held);
        Interlocked.Exchange(ref _validUntilTimestamp, started + (long)(_options.OwnershipLease.TotalSeconds * _timeProvider.TimestampFrequency));
        var now = held.ToImmutable();
        Volatile.Write(ref _held, now);
        foreach (var (consumer, partitionsHeld) in now)
        {
            var previously = wasValid && before.TryGetValue(consumer, out var old) ? old : [];
            if (!partitionsHeld.IsSubsetOf(previously))
            {
                if (_logger.IsEnabled(LogLevel.Information))
                {
#pragma warning disable CA1873 // Guarded by IsEnabled just above.
                    LogAcquired(_logger, me, consumer, string.Join(",", partitionsHeld.Except(previously).Order()));
#pragma warning restore CA1873
                }

                foreach (var (registered, callback) in _acquiredCallbacks.Values)
                {
                    if (registered == consumer)
                    {
                        callback();
                    }
                }
            }
        }
    }

    /// <summary>Reads events committed on any silo and hands them to the observers, a short window again so late-visible commits are not missed.</summary>
    private async Task PollLoopAsync(long after, CancellationToken stopping)
    {
        var tail = new EventsTableTail(_table!, after, _timeProvider);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.ConsumerEventPollInterval, _timeProvider, stopping).ConfigureAwait(false);
                if (_observers.IsEmpty || _held.IsEmpty)
                {
                    continue;
                }

                var prefixes = _observers.Values.Select(o => o.Prefix).Distinct(StringComparer.Ordinal).ToList();
                foreach (var record in await tail.ReadNewAsync(prefixes.Count == 1 ? prefixes[0] : string.Empty, stopping).ConfigureAwait(false))
                {
                    Deliver(record);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Whatever failed, the loop must go on: the sweep finds whatever the poller missed meanwhile.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogPollFailed(_logger, ex);
            }
        }
    }

    private void Deliver(EventRecord record)
    {
        foreach (var (prefix, observer) in _observers.Values)
        {
            if (record.StreamNamespace.StartsWith(prefix, StringComparison.Ordinal))
            {
                observer(record);
            }
        }
    }

    private sealed class Registration(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {SiloId} acquired partitions {Partitions} of consumer {Consumer}")]
    private static partial void LogAcquired(ILogger logger, string siloId, string consumer, string partitions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo {SiloId} could not renew its consumer leases")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, string siloId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo {SiloId} could not release its consumer leases; they expire instead")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string siloId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not read the events committed on other silos; the sweep finds them")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
