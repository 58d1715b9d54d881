using Microsoft.Extensions.Logging;
using OrleansConsistency.Runtime.Activation;
using OrleansConsistency.Runtime.Calls;
using OrleansConsistency.Runtime.Cluster.Membership;
using OrleansConsistency.Runtime.Cluster.Placement;
using OrleansConsistency.Runtime.Cluster.Remote;
using OrleansConsistency.Runtime.Storage;

namespace OrleansConsistency.Runtime.Cluster;

/// <summary>
/// Routes every call to its grain's owner in the current view: the local catalog when this silo owns it, else the
/// owner's endpoint. A call that finds its target unreachable, or no longer the owner, suspects it: the view is read
/// again and the call sent again with what is left of its deadline (safe, because intents are idempotent). It also
/// keeps the catalog to owned grains: activations whose grain moved away are deactivated, and none are created
/// for grains owned elsewhere or while this silo holds no lease.
/// </summary>
internal sealed partial class ClusterCallDispatcher : IGrainCallDispatcher, IDisposable
{
    /// <summary>How often a call may be forwarded between silos before the receiver answers "not owner" instead.</summary>
    public const int MaxHops = 2;

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMilliseconds(500);

    private readonly ClusterMembership _membership;
    private readonly Catalog? _catalog;
    private readonly RemoteSiloClient _client;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    // catalog: the silo's catalog; null for a cluster client, which owns no grains.
    public ClusterCallDispatcher(ClusterMembership membership, Catalog? catalog, RemoteCallCodec codec, TimeProvider timeProvider, ILogger logger)
    {
        _membership = membership;
        _catalog = catalog;
        _timeProvider = timeProvider;
        _logger = logger;
        Codec = codec;
        _client = new RemoteSiloClient(codec, timeProvider);
        if (catalog is not null)
        {
            catalog.ActivationGuard = OwnsLocally;
            membership.ViewChanged += DeactivateMovedGrains;
            membership.LeaseLost += DeactivateAll;
        }
    }

    public RemoteCallCodec Codec { get; }

    public Task<object?> InvokeAsync(GrainCall call) => RouteAsync(call, hops: 0, inbound: false);

    /// <summary>Serves a call another silo sent here: locally if this silo owns the grain, else one hop further.</summary>
    public Task<object?> InvokeInboundAsync(GrainCall call, int hops) => RouteAsync(call, hops, inbound: true);

    public void Dispose()
    {
        _membership.ViewChanged -= DeactivateMovedGrains;
        _membership.LeaseLost -= DeactivateAll;
        _client.Dispose();
    }

    private async Task<object?> RouteAsync(GrainCall call, int hops, bool inbound)
    {
        var delay = FirstRetryDelay;
        while (true)
        {
            var remaining = call.Deadline - _timeProvider.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                throw call.DeadlinePassedBeforeStart();
            }

            await _membership.WaitForFirstViewAsync(CancellationToken.None).WaitAsync(remaining, _timeProvider).ConfigureAwait(false);
            var owner = RendezvousPlacement.Owner(call.Target, _membership.CurrentView);
            if (owner is null)
            {
                LogNoLiveSilo(_logger, call.Target);
            }
            else if (_catalog is not null && owner.SiloId == _membership.SiloId)
            {
                if (!_membership.HoldsLease)
                {
                    throw new StorageUnavailableException(
                        $"Silo {_membership.SiloId} cannot confirm its membership (its heartbeats to the database fail), so it serves no grains; nothing was changed.");
                }

                try
                {
                    return await _catalog.InvokeAsync(call).ConfigureAwait(false);
                }
                catch (GrainNotOwnedException)
                {
                    // The view moved between routing and activation; route it again.
                    call = call.Copy();
                }
            }
            else if (inbound && hops >= MaxHops)
            {
                throw new GrainNotOwnedException(call.Target);
            }
            else
            {
                try
                {
                    return await _client.InvokeAsync(owner, call, inbound ? hops + 1 : hops).ConfigureAwait(false);
                }
                catch (SiloUnreachableException ex)
                {
                    LogSuspected(_logger, owner.SiloId, call.Target, ex.Message);
                }
            }

            await RefreshQuietlyAsync().ConfigureAwait(false);
            var wait = TimeSpan.FromTicks(Math.Min(delay.Ticks, Math.Max(0, (call.Deadline - _timeProvider.GetUtcNow()).Ticks)));
            await Task.Delay(wait, _timeProvider).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    private async Task RefreshQuietlyAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _timeProvider);
            await _membership.RefreshAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException or OperationCanceledException or InvalidOperationException)
        {
            // The table is unreachable from here too; the retry uses the view we have.
        }
    }

    private bool OwnsLocally(GrainId grainId) =>
        _membership.HoldsLease && RendezvousPlacement.Owner(grainId, _membership.CurrentView)?.SiloId == _membership.SiloId;

    private void DeactivateMovedGrains(MembershipView view)
    {
        var reason = new DeactivationReason(DeactivationReasonCode.OwnershipMoved, $"Membership view {view.Version} places it on another silo.");
        foreach (var activation in _catalog!.Activations)
        {
            if (RendezvousPlacement.Owner(activation.GrainId, view)?.SiloId != _membership.SiloId)
            {
                activation.RequestDeactivation(reason, onlyIfIdle: false);
            }
        }
    }

    private void DeactivateAll()
    {
        var reason = new DeactivationReason(DeactivationReasonCode.OwnershipMoved, "This silo lost its membership lease.");
        foreach (var activation in _catalog!.Activations)
        {
            activation.RequestDeactivation(reason, onlyIfIdle: false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No live silo to place {GrainId}; reading the membership table again")]
    private static partial void LogNoLiveSilo(ILogger logger, GrainId grainId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Suspecting silo {SiloId} for a call to {GrainId}: {Reason}")]
    private static partial void LogSuspected(ILogger logger, string siloId, GrainId grainId, string reason);
}
