using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OrleansConsistency.Bench.SettlementBenchmarks;

/// <summary>A webhook receiver on 127.0.0.1 that answers 204 at once: the benchmark measures our side, not a slow partner.</summary>
public sealed class LoopbackWebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackWebhookReceiver(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<LoopbackWebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapPost("/hooks", () => Results.NoContent());
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoopbackWebhookReceiver(app, new Uri(new Uri(address), "/hooks"));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
