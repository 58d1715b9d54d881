using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using OrleansConsistency.Grains.Interfaces.Access;

namespace OrleansConsistency.Api.Access;

/// <summary>
/// This process's copy of the key registry: requests are authenticated against it without a grain call. It asks the
/// registry for changes every <see cref="AuthOptions.RefreshInterval"/>, so a revocation stops a key here within one
/// interval; a key it does not know yet (made on another process a moment ago) makes it ask at once, at most once
/// per <see cref="MissRefreshSpacing"/>, so a flood of made-up keys costs the registry little.
/// </summary>
internal sealed partial class ApiKeyDirectory(IGrainFactory grains, IOptions<ApiOptions> options, ILogger<ApiKeyDirectory> logger) : BackgroundService
{
    /// <summary>The shortest time between two refreshes caused by unknown keys.</summary>
    public static readonly TimeSpan MissRefreshSpacing = TimeSpan.FromMilliseconds(250);

    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private volatile Known _known = new(-1, FrozenDictionary<string, ApiKeyEntry>.Empty, []);
    private long _lastMissRefresh;
    private bool _failing;

    private IApiKeyRegistryGrain Registry => grains.GetGrain<IApiKeyRegistryGrain>(IApiKeyRegistryGrain.Key);

    /// <summary>Every key known here, revoked ones included.</summary>
    public IReadOnlyList<ApiKeyEntry> Keys => _known.All;

    /// <summary>The active key with this secret, or null.</summary>
    public async ValueTask<ApiKeyEntry?> FindAsync(string key, CancellationToken cancellationToken)
    {
        var hash = ApiKeySecret.Hash(key);
        if (_known.Active.TryGetValue(hash, out var entry))
        {
            return entry;
        }

        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastMissRefresh);
        if (now - last >= MissRefreshSpacing.TotalMilliseconds && Interlocked.CompareExchange(ref _lastMissRefresh, now, last) == last)
        {
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }

        return _known.Active.GetValueOrDefault(hash);
    }

    /// <summary>Asks the registry for changes now; a failure keeps the last copy and is logged once.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var snapshot = await Registry.GetIfChanged(_known.Revision).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (snapshot is not null)
            {
                _known = new Known(
                    snapshot.Revision,
                    snapshot.Keys.Where(k => k.IsActive).ToFrozenDictionary(k => k.Hash, StringComparer.Ordinal),
                    snapshot.Keys);
            }

            if (_failing)
            {
                _failing = false;
                LogRegistryBack(logger);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (!_failing)
            {
                _failing = true;
                LogRegistryUnreachable(logger, exception);
            }
        }
        finally
        {
            _refreshing.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Auth.RefreshInterval);
        do
        {
            await RefreshAsync(stoppingToken).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public override void Dispose()
    {
        _refreshing.Dispose();
        base.Dispose();
    }

    private sealed record Known(long Revision, FrozenDictionary<string, ApiKeyEntry> Active, IReadOnlyList<ApiKeyEntry> All);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The API key registry cannot be reached; requests are checked against the keys known before, and revocations wait until it answers again.")]
    private static partial void LogRegistryUnreachable(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The API key registry answers again.")]
    private static partial void LogRegistryBack(ILogger logger);
}
