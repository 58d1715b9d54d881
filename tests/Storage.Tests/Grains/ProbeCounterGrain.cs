using System.Collections.Concurrent;

namespace OrleansConsistency.Storage.Tests.Grains;

/// <summary>
/// A persisted counter that reports its silo and activation. The activation counts and deactivation waiters are
/// static: every silo of an in-process test cluster shares them, so they count across the cluster.
/// </summary>
public sealed class ProbeCounterGrain([PersistentState("state")] IPersistentState<ProbeCounterState> counter) : Grain, IProbeCounterGrain
{
    private static readonly ConcurrentDictionary<string, int> ActivationCounts = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, TaskCompletionSource<DeactivationReason>> Deactivations = new(StringComparer.Ordinal);
    private int _activation;

    /// <summary>Completes when the grain with this key is next deactivated, on any silo of the process, with the reason.</summary>
    public static Task<DeactivationReason> WhenDeactivated(string key) =>
        Deactivations.GetOrAdd(key, _ => new TaskCompletionSource<DeactivationReason>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activation = ActivationCounts.AddOrUpdate(this.GetPrimaryKeyString(), 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (Deactivations.TryRemove(this.GetPrimaryKeyString(), out var waiter))
        {
            waiter.TrySetResult(reason);
        }

        return Task.CompletedTask;
    }

    public async Task<ProbeReport> Add(long delta)
    {
        counter.State.Value += delta;
        try
        {
            await counter.WriteStateAsync();
        }
        catch
        {
            // Nothing was written (or it is unknown): never answer later calls with a value storage may not have.
            // After a stale write Orleans deactivates this activation as well, so the next call reloads the state.
            counter.State.Value -= delta;
            throw;
        }

        return Report(counter.State.Value);
    }

    public Task<ProbeReport> Report() => Task.FromResult(Report(counter.State.Value));

    private ProbeReport Report(long value) =>
        new(value, GrainContext.Address.SiloAddress!, GrainContext.ActivationId.ToString(), _activation);
}
