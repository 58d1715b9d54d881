using Microsoft.Extensions.Logging;
using Npgsql;

namespace OrleansConsistency.Storage.Cluster.Membership;

/// <summary>
/// One silo's (or cluster client's) part in the project's own membership rows, which today decide only which silo
/// runs which consumer partition (Orleans' membership decides liveness and placement): it registers the silo,
/// heartbeats, reads the table every heartbeat period, and publishes the view. A silo holds its lease only while its
/// heartbeats succeed: once the last success is older than <see cref="SiloClusterOptions.OwnershipLease"/> it runs
/// no consumer partition, because by then others may take its partitions over.
/// </summary>
public sealed partial class ClusterMembership : IAsyncDisposable
{
    private const int JoinAttempts = 10;

    private readonly SiloClusterOptions _options;
    private readonly MembershipTable _table;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _name;
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private readonly TaskCompletionSource _firstView = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private MembershipView _view = MembershipView.Empty;
    private long _lastHeartbeatTimestamp;
    private volatile bool _registered;
    private volatile bool _leaseHeld;
    private Task? _loop;
    private Uri? _address;

    /// <summary>Creates the membership of one silo (or, for a pure client, a watcher of the table).</summary>
    public ClusterMembership(SiloClusterOptions options, string connectionString, string name, TimeProvider timeProvider, ILogger logger)
    {
        _options = options;
        _name = name;
        _timeProvider = timeProvider;
        _logger = logger;
        SiloId = NewSiloId(name);

        // A small pool of its own, failing fast: a heartbeat that waits behind a busy pool is as good as missed.
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxPoolSize = 4,
            Timeout = Math.Max(2, (int)options.HeartbeatPeriod.TotalSeconds),
            CommandTimeout = Math.Max(2, (int)options.HeartbeatPeriod.TotalSeconds * 2),
            ApplicationName = $"membership:{name}",
        };
        _table = new MembershipTable(NpgsqlDataSource.Create(builder.ConnectionString));
    }

    /// <summary>Raised (on a background thread) when a newer view was read.</summary>
    public event Action<MembershipView>? ViewChanged;

    /// <summary>Raised when this silo lost its lease (it could not heartbeat) or learnt that it was declared dead.</summary>
    public event Action? LeaseLost;

    /// <summary>This silo's id in the table; a new one after the silo was declared dead and rejoined.</summary>
    public string SiloId { get; private set; }

    /// <summary>The latest view read.</summary>
    public MembershipView CurrentView => Volatile.Read(ref _view);

    /// <summary>True while this silo may serve its grains: registered, and its last heartbeat is recent enough.</summary>
    public bool HoldsLease =>
        _registered && _timeProvider.GetElapsedTime(Interlocked.Read(ref _lastHeartbeatTimestamp)) < _options.OwnershipLease;

    /// <summary>Registers this silo at <paramref name="address"/>, reads the first view and starts heartbeating.</summary>
    internal async Task JoinAsync(Uri address, CancellationToken cancellationToken)
    {
        _address = address;
        var started = _timeProvider.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                started = _timeProvider.GetTimestamp();
                await _table.RegisterAsync(SiloId, _name, address, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (Exception ex) when (attempt < JoinAttempts && ex is NpgsqlException or TimeoutException)
            {
                // A busy or just-started database: try again rather than fail the silo's start.
                LogTableUnreachable(_logger, ex, SiloId);
                await Task.Delay(_options.HeartbeatPeriod, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }

        Interlocked.Exchange(ref _lastHeartbeatTimestamp, started);
        _registered = true;
        _leaseHeld = true;
        LogJoined(_logger, SiloId, address);
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
    }

    /// <summary>Reads the first view and keeps reading the table, without registering (a cluster client).</summary>
    internal async Task WatchAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
    }

    /// <summary>Waits until a first view was read.</summary>
    public Task WaitForFirstViewAsync(CancellationToken cancellationToken) => _firstView.Task.WaitAsync(cancellationToken);

    /// <summary>Reads the table now (callers that suspect a silo); concurrent callers share one read.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var before = CurrentView;
        await _refreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!ReferenceEquals(before, CurrentView))
            {
                return; // Someone read it while we waited.
            }

            var view = await _table.ReadViewAsync(_options.DeathTimeout, cancellationToken).ConfigureAwait(false);
            Publish(view);
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    /// <summary>Every row of the table, dead ones included.</summary>
    public Task<IReadOnlyList<(string SiloId, string Name, string Status)>> ReadAllMembersAsync(CancellationToken cancellationToken) =>
        _table.ReadAllAsync(cancellationToken);

    /// <summary>Stops heartbeating and marks the silo as left, so that others take its grains at once.</summary>
    internal async Task LeaveAsync(CancellationToken cancellationToken)
    {
        // From here on this silo serves nothing: callers get "not serving", read the table again and go elsewhere.
        var wasRegistered = _registered;
        _registered = false;
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is { } loop)
        {
            await loop.ConfigureAwait(false);
        }

        if (wasRegistered)
        {
            try
            {
                await _table.LeaveAsync(SiloId, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException)
            {
                // Unreachable database: the row expires after the death timeout instead.
                LogLeaveFailed(_logger, ex, SiloId);
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is { } loop)
        {
            await loop.ConfigureAwait(false);
        }

        await _table.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _refreshLock.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.HeartbeatPeriod, _timeProvider, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                if (_address is not null)
                {
                    await HeartbeatAsync(stopping).ConfigureAwait(false);
                }

                await RefreshAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException or OperationCanceledException or System.Net.Sockets.SocketException)
            {
                LogTableUnreachable(_logger, ex, SiloId);
            }

            CheckLease();
        }
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        if (!_registered)
        {
            // Declared dead earlier: come back as a new member, with no activations left from the old life.
            var id = NewSiloId(_name);
            var started = _timeProvider.GetTimestamp();
            await _table.RegisterAsync(id, _name, _address!, cancellationToken).ConfigureAwait(false);
            SiloId = id;
            Interlocked.Exchange(ref _lastHeartbeatTimestamp, started);
            _registered = true;
            _leaseHeld = true;
            LogJoined(_logger, SiloId, _address!);
            return;
        }

        // The time is taken before the write: the database's heartbeat time is later, so the lease is conservative.
        var sent = _timeProvider.GetTimestamp();
        if (await _table.HeartbeatAsync(SiloId, cancellationToken).ConfigureAwait(false))
        {
            Interlocked.Exchange(ref _lastHeartbeatTimestamp, sent);

            // Still active in the table, so nobody took our grains: serve again (the activations were dropped).
            _leaseHeld = true;
            return;
        }

        LogDeclaredDead(_logger, SiloId);
        _registered = false;
        CheckLease();
    }

    private void CheckLease()
    {
        if (_leaseHeld && !HoldsLease)
        {
            _leaseHeld = false;
            LogLeaseLost(_logger, SiloId);
            LeaseLost?.Invoke();
        }
    }

    private void Publish(MembershipView view)
    {
        var current = CurrentView;
        Volatile.Write(ref _view, view);
        _firstView.TrySetResult();
        if (view.Version != current.Version || !view.Members.SequenceEqual(current.Members))
        {
            if (_logger.IsEnabled(LogLevel.Information))
            {
#pragma warning disable CA1873 // Guarded by IsEnabled just above.
                LogViewChanged(_logger, view.Version, string.Join(", ", view.Members.Select(m => m.SiloId)));
#pragma warning restore CA1873
            }

            ViewChanged?.Invoke(view);
        }
    }

    private static string NewSiloId(string name) => $"{name}-{Guid.NewGuid().ToString("N")[..8]}";

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {SiloId} joined the cluster at {Address}")]
    private static partial void LogJoined(ILogger logger, string siloId, Uri address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Membership view {Version}: {Members}")]
    private static partial void LogViewChanged(ILogger logger, long version, string members);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo {SiloId} could not reach the membership table")]
    private static partial void LogTableUnreachable(ILogger logger, Exception exception, string siloId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo {SiloId} was declared dead by the cluster; it rejoins as a new member")]
    private static partial void LogDeclaredDead(ILogger logger, string siloId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo {SiloId} lost its ownership lease: it serves no grains until it heartbeats again")]
    private static partial void LogLeaseLost(ILogger logger, string siloId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo {SiloId} could not record leaving the cluster")]
    private static partial void LogLeaveFailed(ILogger logger, Exception exception, string siloId);
}
