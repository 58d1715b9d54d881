using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace OrleansConsistency.Api.Pages;

/// <summary>
/// Once the server listens, says in the console where the pages are: a new user sees "Now listening on" and then
/// what to open, rather than having to read it in the README.
/// </summary>
internal sealed partial class PageAddresses(IServer server, IHostApplicationLifetime lifetime, ILogger<PageAddresses> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Announce);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Announce()
    {
        // In-memory test servers have no addresses: there is nothing to open, so nothing to say.
        if (server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() is { } address)
        {
            var root = address.TrimEnd('/');
            Log(logger, root + "/", root + "/ops", root + "/docs");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Open the people's page at {People}, the operator page at {Operators}, the API reference at {Reference}")]
    private static partial void Log(ILogger logger, string people, string operators, string reference);
}
