using System.Collections.Concurrent;

namespace OrleansConsistency.TestGrains;

public interface ILifecycleGrain : IGrainWithStringKey
{
    Task<int> Touch();

    /// <summary>Calls another grain and returns what it saw of the request context and deadline.</summary>
    Task<string?> RelayContext(string otherKey, string contextKey);

    Task<string?> ReadContext(string contextKey);

    Task<DateTimeOffset?> ReadDeadline();
}

/// <summary>Counts activations and deactivations per key in a static log, which outlives activations.</summary>
public sealed class LifecycleGrain : Grain, ILifecycleGrain
{
    public static readonly ConcurrentDictionary<string, (int Activations, int Deactivations)> Log = new();
    private static readonly ConcurrentDictionary<string, TaskCompletionSource<DeactivationReason>> Deactivations = new();

    /// <summary>Completes when the grain with this key is next deactivated, with the reason.</summary>
    public static Task<DeactivationReason> WhenDeactivated(string key) =>
        Deactivations.GetOrAdd(key, _ => new TaskCompletionSource<DeactivationReason>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Log.AddOrUpdate(this.GetPrimaryKeyString(), (1, 0), (_, v) => (v.Activations + 1, v.Deactivations));
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Log.AddOrUpdate(this.GetPrimaryKeyString(), (0, 1), (_, v) => (v.Activations, v.Deactivations + 1));
        if (Deactivations.TryRemove(this.GetPrimaryKeyString(), out var waiter))
        {
            waiter.TrySetResult(reason);
        }

        return Task.CompletedTask;
    }

    public Task<int> Touch() => Task.FromResult(Log[this.GetPrimaryKeyString()].Activations);

    public Task<string?> RelayContext(string otherKey, string contextKey) =>
        GrainFactory.GetGrain<ILifecycleGrain>(otherKey).ReadContext(contextKey);

    public Task<string?> ReadContext(string contextKey) => Task.FromResult(RequestContext.Get(contextKey) as string);

    public Task<DateTimeOffset?> ReadDeadline() => Task.FromResult(CallDeadline.Current);
}
