using System.Net;
using System.Net.Http.Json;
using OrleansConsistency.Runtime.Calls;
using OrleansConsistency.Runtime.Cluster.Membership;

namespace OrleansConsistency.Runtime.Cluster.Remote;

/// <summary>Sends grain calls to other silos' internal endpoints over HTTP/2 without TLS (h2c, loopback or a private network).</summary>
internal sealed class RemoteSiloClient(RemoteCallCodec codec, TimeProvider timeProvider) : IDisposable
{
    public const string CallsPath = "/grain-calls";

    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        // A dead silo refuses at once on loopback; elsewhere a short connect timeout keeps suspicion quick.
        ConnectTimeout = TimeSpan.FromSeconds(2),
        EnableMultipleHttp2Connections = true,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan, // Each call carries its own deadline.
    };

    /// <exception cref="SiloUnreachableException">The silo could not be reached or does not serve the grain now.</exception>
    /// <exception cref="TimeoutException">The call's deadline passed.</exception>
    public async Task<object?> InvokeAsync(ClusterMember target, GrainCall call, int hops)
    {
        var remaining = call.Deadline - timeProvider.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            throw call.DeadlinePassedBeforeStart();
        }

        using var deadline = new CancellationTokenSource(remaining, timeProvider);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(target.Address, CallsPath))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = JsonContent.Create(codec.Encode(call, hops), ClusterJsonContext.Default.RemoteCallRequest),
        };

        RemoteCallResponse? response;
        try
        {
            using var answer = await _http.SendAsync(request, deadline.Token).ConfigureAwait(false);
            if (!answer.IsSuccessStatusCode)
            {
                throw new SiloUnreachableException($"Silo {target.SiloId} answered {(int)answer.StatusCode} to a grain call.");
            }

            response = await answer.Content.ReadFromJsonAsync(ClusterJsonContext.Default.RemoteCallResponse, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw call.DeadlinePassedWhileRunning();
        }
        catch (HttpRequestException ex)
        {
            throw new SiloUnreachableException($"Silo {target.SiloId} at {target.Address} could not be reached: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            throw new SiloUnreachableException($"The connection to silo {target.SiloId} broke: {ex.Message}", ex);
        }

        return response switch
        {
            null => throw new SiloUnreachableException($"Silo {target.SiloId} sent an empty answer."),
            { Error: null } => codec.DecodeResult(call.Method, response),
            { Error.Kind: RemoteCallError.Thrown } => throw RemoteCallCodec.DecodeException(response.Error),
            _ => throw new SiloUnreachableException($"Silo {target.SiloId} does not serve {call.Target} now ({response.Error.Kind}): {response.Error.Message}"),
        };
    }

    public void Dispose() => _http.Dispose();
}
