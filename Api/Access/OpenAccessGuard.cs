using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace OrleansConsistency.Api.Access;

/// <summary>
/// Keeps <see cref="AuthMode.Off"/> to what it is for: it warns at every start, and stops the API when it listens on
/// anything but loopback. The key handler also gives open access only to requests from loopback, so a listener
/// added later does not open it up either.
/// </summary>
internal sealed partial class OpenAccessGuard(IServer server, IOptions<ApiOptions> options, ILogger<OpenAccessGuard> logger) : IHostedLifecycleService
{
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Auth.Mode != AuthMode.Off)
        {
            return Task.CompletedTask;
        }

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var exposed = addresses.Where(address => !IsLoopback(address)).ToList();
        if (exposed.Count > 0)
        {
            throw new InvalidOperationException($"Api:Auth:Mode=Off is refused: the API listens on {string.Join(", ", exposed)}, which is not loopback only. Listen on 127.0.0.1 or localhost, or turn authentication on.");
        }

        LogOpen(logger);
        return Task.CompletedTask;
    }

    /// <summary>True when an address (a URL Kestrel listens on) is loopback only.</summary>
    public static bool IsLoopback(string address)
    {
        if (!Uri.TryCreate(address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Api:Auth:Mode=Off: every request from loopback acts as an operator of the default tenant, without credentials. Never use this beyond tests and local demos.")]
    private static partial void LogOpen(ILogger logger);
}
