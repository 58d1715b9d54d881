using System.Net;
using System.Net.Sockets;

namespace OrleansConsistency.TestSupport;

/// <summary>Free loopback ports, for the Orleans silo and gateway ports of silos that tests start side by side.</summary>
public static class FreePort
{
    /// <summary>A port nothing listens on now (the OS picks it; it is not reused at once).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
