using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansConsistency.Grains.Resources;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Grains.Intents;

/// <summary>Deletes idempotency keys past their retention, in bounded chunks, every purge interval.</summary>
public sealed partial class IntentPurgeService(IIntentStore intents, IOptions<ResourcesOptions> options, TimeProvider timeProvider, ILogger<IntentPurgeService> logger)
    : BackgroundService
{
    /// <summary>The most rows one round deletes, so a large backlog never holds the database for long.</summary>
    public const int MaxRowsPerRound = 10_000;

    /// <summary>Purges once now; returns how many keys were removed.</summary>
    public Task<int> PurgeOnceAsync(CancellationToken cancellationToken = default) =>
        intents.PurgeExpiredAsync(timeProvider.GetUtcNow(), MaxRowsPerRound, cancellationToken);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PurgeInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var purged = await PurgeOnceAsync(stoppingToken);
                if (purged > 0)
                {
                    LogPurged(logger, purged);
                }
            }
            catch (StorageUnavailableException ex)
            {
                // The next round tries again; expired keys only cost space meanwhile.
                LogPurgeFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} expired idempotency keys")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purging expired idempotency keys failed; will retry")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception);
}
