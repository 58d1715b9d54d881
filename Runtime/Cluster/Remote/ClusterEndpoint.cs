using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansConsistency.Runtime.Cluster.Membership;

namespace OrleansConsistency.Runtime.Cluster.Remote;

/// <summary>
/// A silo's internal endpoint: its own small Kestrel server speaking HTTP/2 without TLS (h2c), separate from any
/// public API the host serves, that receives grain calls from other silos and clients as JSON.
/// </summary>
internal sealed class ClusterEndpoint(ClusterOptions options, ClusterCallDispatcher dispatcher, ClusterMembership membership) : IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>Starts listening and returns the address other silos reach it at.</summary>
    public async Task<Uri> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Parse(options.EndpointHost), options.EndpointPort, listen => listen.Protocols = HttpProtocols.Http2);
        });
        var app = builder.Build();
        app.MapPost(RemoteSiloClient.CallsPath, HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(bound.Replace("[::]", options.EndpointHost, StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        RemoteCallRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(context.Request.Body, ClusterJsonContext.Default.RemoteCallRequest, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            request = null;
        }

        if (request is null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        RemoteCallResponse response;
        try
        {
            var call = dispatcher.Codec.Decode(request);
            var result = await dispatcher.InvokeInboundAsync(call, request.Hops).ConfigureAwait(false);
            response = dispatcher.Codec.EncodeResult(call.Method, result);
        }
        catch (GrainNotOwnedException ex)
        {
            response = new(null, new RemoteCallError(RemoteCallError.NotOwner, null, ex.Message));
        }
        catch (Storage.StorageUnavailableException ex) when (!membership.HoldsLease)
        {
            response = new(null, new RemoteCallError(RemoteCallError.NotServing, null, ex.Message));
        }
#pragma warning disable CA1031 // Whatever the grain threw goes back to the caller, which rethrows it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            response = RemoteCallCodec.EncodeException(ex);
        }

        await context.Response.WriteAsJsonAsync(response, ClusterJsonContext.Default.RemoteCallResponse, contentType: null, context.RequestAborted).ConfigureAwait(false);
    }
}
