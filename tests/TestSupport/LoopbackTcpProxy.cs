using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace OrleansConsistency.TestSupport;

/// <summary>
/// A TCP forwarder on loopback in front of a real server (e.g. PostgreSQL), for tests that make one client's link
/// fail: <see cref="Cut"/> drops every connection and refuses new ones (connection refused), <see cref="Heal"/>
/// listens again on the same port.
/// </summary>
public sealed class LoopbackTcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<TcpClient, byte> _connections = new();
    private readonly object _gate = new();
    private TcpListener? _listener;
    private CancellationTokenSource? _accepting;

    private LoopbackTcpProxy(IPEndPoint target) => _target = target;

    /// <summary>The port clients connect to.</summary>
    public int Port { get; private set; }

    /// <summary>Starts forwarding a free loopback port to <paramref name="targetPort"/> on 127.0.0.1.</summary>
    public static LoopbackTcpProxy Start(int targetPort)
    {
        var proxy = new LoopbackTcpProxy(new IPEndPoint(IPAddress.Loopback, targetPort));
        proxy.Listen(0);
        return proxy;
    }

    /// <summary>Closes every forwarded connection and stops listening: new connections are refused.</summary>
    public void Cut()
    {
        lock (_gate)
        {
            _accepting?.Cancel();
            _accepting?.Dispose();
            _accepting = null;
            _listener?.Stop();
            _listener = null;
        }

        foreach (var connection in _connections.Keys)
        {
            // Reset rather than close gracefully: the other side sees the link die, as in a real partition.
            if (connection.Client is { } socket)
            {
                try
                {
                    socket.LingerState = new LingerOption(true, 0);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                }
            }

            connection.Dispose();
        }

        _connections.Clear();
    }

    /// <summary>Listens again on the same port.</summary>
    public void Heal() => Listen(Port);

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }

    private void Listen(int port)
    {
        lock (_gate)
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            _listener = listener;
            _accepting = new CancellationTokenSource();
            _ = AcceptAsync(listener, _accepting.Token);
        }
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        var server = new TcpClient();
        _connections.TryAdd(client, 0);
        _connections.TryAdd(server, 0);
        try
        {
            await server.ConnectAsync(_target);
            var a = client.GetStream();
            var b = server.GetStream();
            await Task.WhenAny(a.CopyToAsync(b), b.CopyToAsync(a));
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // A cut or a closed side ends the forwarding; both sockets are closed below.
        }
        finally
        {
            _connections.TryRemove(client, out _);
            _connections.TryRemove(server, out _);
            client.Dispose();
            server.Dispose();
        }
    }
}
