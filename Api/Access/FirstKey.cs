using Microsoft.Extensions.Options;
using OrleansConsistency.Grains.Interfaces.Access;
using OrleansConsistency.Grains.Interfaces.Resources;

namespace OrleansConsistency.Api.Access;

/// <summary>
/// Makes sure a fresh installation can be used: while the registry has no active key, the first start registers an
/// operator key of the default tenant, either <see cref="AuthOptions.BootstrapKey"/> or a new one printed once on the
/// console (never logged, so it does not end up in log files). Runs before the server listens, so the key is on the
/// console before "Now listening".
/// </summary>
internal sealed partial class FirstKey(
    IGrainFactory grains,
    ApiKeyDirectory directory,
    IOptions<ApiOptions> options,
    TimeProvider time,
    ILogger<FirstKey> logger) : IHostedService
{
    // A pure API client may start before the silos answer; give them this long.
    private static readonly TimeSpan RegistryPatience = TimeSpan.FromSeconds(60);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var auth = options.Value.Auth;
        if (auth.Mode == AuthMode.Off)
        {
            return;
        }

        var key = auth.BootstrapKey ?? ApiKeySecret.Create();
        var entry = new ApiKeyEntry(ApiKeySecret.CreateId(), "first operator key", ResourceTenant.Default, [ApiRoles.Operator], ApiKeySecret.Hash(key), time.GetUtcNow());
        var added = await AddFirstAsync(entry, cancellationToken).ConfigureAwait(false);
        if (added is null)
        {
            return;
        }

        await directory.RefreshAsync(cancellationToken).ConfigureAwait(false);
        if (added.Value && auth.BootstrapKey is null)
        {
            PrintOnce(key, entry.Id);
            LogGenerated(logger, entry.Id);
        }
        else if (added.Value)
        {
            LogBootstrapUsed(logger, entry.Id);
        }
        else if (auth.BootstrapKey is not null && !directory.Keys.Any(k => k.IsActive && k.Hash == entry.Hash))
        {
            LogBootstrapIgnored(logger);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<bool?> AddFirstAsync(ApiKeyEntry entry, CancellationToken cancellationToken)
    {
        var registry = grains.GetGrain<IApiKeyRegistryGrain>(IApiKeyRegistryGrain.Key);
        var giveUpAt = time.GetUtcNow() + RegistryPatience;
        var pause = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                return await registry.AddFirst(entry).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException && exception is not ArgumentException)
            {
                if (time.GetUtcNow() + pause > giveUpAt)
                {
                    LogRegistryUnavailable(logger, exception);
                    return null;
                }

                await Task.Delay(pause, time, cancellationToken).ConfigureAwait(false);
                pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 5000));
            }
            catch (ArgumentException)
            {
                // The same secret was registered before and revoked since: it stays revoked.
                LogBootstrapRevoked(logger);
                return false;
            }
        }
    }

    private static void PrintOnce(string key, string id)
    {
        var line = new string('=', 78);
        Console.Out.WriteLine($"""
            {line}
             First operator key for the default tenant ({id}). It is shown only now; keep it:

                 {key}

             Use it as:  export OC_KEY={key}
                         curl -H "Authorization: Bearer $OC_KEY" http://127.0.0.1:5080/v1/resources/orders
             Make more keys with POST /v1/admin/keys; revoke this one when you have.
            {line}
            """);
        Console.Out.Flush();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No API key existed, so a first operator key ({KeyId}) was made and printed on the console. It is not shown again.")]
    private static partial void LogGenerated(ILogger logger, string keyId);

    [LoggerMessage(Level = LogLevel.Information, Message = "No API key existed, so Api:Auth:BootstrapKey is now the first operator key ({KeyId}).")]
    private static partial void LogBootstrapUsed(ILogger logger, string keyId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Api:Auth:BootstrapKey is set but other keys exist, so it is not used.")]
    private static partial void LogBootstrapIgnored(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Api:Auth:BootstrapKey was registered before and revoked since, so it is not used again.")]
    private static partial void LogBootstrapRevoked(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "The API key registry could not be reached at start-up, so no first key was checked for; requests are refused until a key exists.")]
    private static partial void LogRegistryUnavailable(ILogger logger, Exception exception);
}
