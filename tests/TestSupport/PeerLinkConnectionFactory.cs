using System.Net;
using Microsoft.AspNetCore.Connections;

namespace OrleansConsistency.TestSupport;

/// <summary>Orleans' own socket connection factory, with each peer's address replaced by its route in <see cref="PeerLinks"/>.</summary>
internal sealed class PeerLinkConnectionFactory(IConnectionFactory sockets, PeerLinks links) : IConnectionFactory
{
    public ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        sockets.ConnectAsync(links.Route(endpoint), cancellationToken);
}
