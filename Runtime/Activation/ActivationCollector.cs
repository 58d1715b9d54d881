using Microsoft.Extensions.Logging;
using OrleansConsistency.Runtime.Hosting;

namespace OrleansConsistency.Runtime.Activation;

/// <summary>
/// Deactivates activations that have been idle longer than the configured age, and the least recently used idle
/// ones when the silo holds more than its cap, so memory stays bounded; the next call reactivates from storage.
/// </summary>
internal sealed partial class ActivationCollector : IAsyncDisposable
{
    private readonly SiloRuntime _runtime;
    private readonly Catalog _catalog;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private Task? _loop;

    public ActivationCollector(SiloRuntime runtime, Catalog catalog)
    {
        _runtime = runtime;
        _catalog = catalog;
        _catalog.CapExceeded += Wake;
    }

    /// <summary>How often idle activations are looked for: a quarter of the idle age, between 100 ms and one minute.</summary>
    public TimeSpan Interval =>
        _runtime.Options.CollectionInterval
        ?? TimeSpan.FromTicks(Math.Clamp(_runtime.Options.IdleDeactivationAge.Ticks / 4, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromMinutes(1).Ticks));

    public void Start() => _loop ??= Task.Run(() => RunAsync(_stopping.Token));

    public int CollectOnce()
    {
        var idleAge = _runtime.Options.IdleDeactivationAge;
        var collected = 0;
        var candidates = _catalog.Activations.Where(a => a.IsIdle && a.State == ActivationState.Valid).ToList();
        foreach (var activation in candidates.Where(a => a.IdleFor >= idleAge))
        {
            activation.RequestDeactivation(new DeactivationReason(DeactivationReasonCode.IdleTimeout, $"Idle for more than {idleAge}."), onlyIfIdle: true);
            collected++;
        }

        if (_runtime.Options.MaxActivations is { } cap && _catalog.Count - collected > cap)
        {
            var excess = _catalog.Count - collected - cap;
            foreach (var activation in candidates.Where(a => a.IdleFor < idleAge).OrderByDescending(a => a.IdleFor).Take(excess))
            {
                activation.RequestDeactivation(new DeactivationReason(DeactivationReasonCode.ActivationCap, $"More than {cap} activations."), onlyIfIdle: true);
                collected++;
            }
        }

        return collected;
    }

    public async ValueTask DisposeAsync()
    {
        _catalog.CapExceeded -= Wake;
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stopping.Dispose();
        _wake.Dispose();
    }

    private void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already awake: one pending wake-up is enough.
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(Interval, stopping).ConfigureAwait(false);
                var collected = CollectOnce();
                if (collected > 0)
                {
                    LogCollected(_runtime.Logger, collected);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Deactivating {Count} idle activations")]
    private static partial void LogCollected(ILogger logger, int count);
}
