using System.Collections.Concurrent;
using System.Net;

namespace OrleansConsistency.TestSupport;

/// <summary>
/// Routes one silo's Orleans connections to and from the other silos through <see cref="LoopbackTcpProxy"/>s, so
/// that a test can cut the silo off from its peers while it still reaches the database and serves its own callers.
/// The silo listens on <see cref="ListeningPort"/> and advertises <see cref="AdvertisedPort"/> (Orleans'
/// <c>EndpointOptions.SiloListeningEndpoint</c> and <c>SiloPort</c>), so the peers connect through a proxy; its own
/// connections to the peers go through one proxy per peer. Both are needed: Orleans sends over a connection in either
/// direction, whichever side opened it. Give it to <see cref="ProductCluster.StartAdditionalSiloAsync"/> of a
/// cluster built with <see cref="ProductClusterBuilder.UseTcpAndPostgresMembership"/>.
/// </summary>
public sealed class PeerLinks : IAsyncDisposable
{
    private readonly ConcurrentDictionary<int, LoopbackTcpProxy> _outbound = new();
    private readonly LoopbackTcpProxy _inbound;
    private readonly object _gate = new();
    private bool _cut;

    /// <summary>Picks the silo's listening port and starts the proxy in front of it.</summary>
    public PeerLinks()
    {
        ListeningPort = FreePort.Next();
        _inbound = LoopbackTcpProxy.Start(ListeningPort);
    }

    /// <summary>The port the silo listens on for its peers; nothing but the proxy connects to it.</summary>
    public int ListeningPort { get; }

    /// <summary>The silo port the silo advertises in Orleans' membership: the proxy's.</summary>
    public int AdvertisedPort => _inbound.Port;

    /// <summary>Drops every link between the silo and its peers, both ways; new ones are refused until <see cref="Heal"/>.</summary>
    public void Cut()
    {
        lock (_gate)
        {
            _cut = true;
            _inbound.Cut();
            foreach (var proxy in _outbound.Values)
            {
                proxy.Cut();
            }
        }
    }

    /// <summary>Lets the silo and its peers connect again, on the same ports.</summary>
    public void Heal()
    {
        lock (_gate)
        {
            if (!_cut)
            {
                return;
            }

            _cut = false;
            _inbound.Heal();
            foreach (var proxy in _outbound.Values)
            {
                proxy.Heal();
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _inbound.DisposeAsync().ConfigureAwait(false);
        foreach (var proxy in _outbound.Values)
        {
            await proxy.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Where the silo connects to reach the peer at <paramref name="peer"/>: that peer's proxy.</summary>
    internal EndPoint Route(EndPoint peer)
    {
        if (peer is not IPEndPoint { } address || !IPAddress.IsLoopback(address.Address))
        {
            throw new InvalidOperationException($"Peer links route loopback peers only; the silo tried to reach {peer}.");
        }

        lock (_gate)
        {
            var proxy = _outbound.GetOrAdd(address.Port, LoopbackTcpProxy.Start);

            // A peer first reached during a cut is refused like the others.
            if (_cut)
            {
                proxy.Cut();
            }

            return new IPEndPoint(IPAddress.Loopback, proxy.Port);
        }
    }
}
