using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OrleansConsistency.Dependencies.Hosting;

namespace OrleansConsistency.Api.Tests.Saga;

/// <summary>
/// A sample dependency (payment or messaging, from samples/Dependencies) running in this process on a loopback port
/// chosen by the system, with its control endpoint and ledger at hand.
/// </summary>
internal sealed class LoopbackService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackService(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public static async Task<LoopbackService> StartAsync(string service)
    {
        // The process's meter factory, as the API hosts have: with a factory of its own, this host's ASP.NET Core meter
        // would be disposed when it stops, and the OpenTelemetry SDK would drop the http_server_* series it had merged
        // with the API hosts' from every API host's /metrics for the rest of the run.
        var app = DependencyServiceHost.Build(
            ["--service", service, "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning"],
            builder => builder.Services.AddSingleton<IMeterFactory>(ProcessMeterFactory.Instance));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoopbackService(app, new Uri(address));
    }

    /// <summary>Sets the service's chaos: <c>{"failureRate":0.3,"timeoutRate":0.1,"outage":false,...}</c>.</summary>
    public async Task SetChaosAsync(object settings)
    {
        using var response = await Client.PutAsJsonAsync("/control", settings);
        response.EnsureSuccessStatusCode();
    }

    public async Task<JsonElement> LedgerAsync() => await Client.GetFromJsonAsync<JsonElement>("/ledger");

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
