using System.Collections.Concurrent;

namespace OrleansConsistency.Storage.Tests.Grains;

/// <summary>
/// See <see cref="IGateGrain"/>. The gates are static, per key: the test and every silo of the in-process cluster see
/// the same ones, and reading them needs no grain call (which a busy or full grain would delay or refuse).
/// </summary>
public sealed class GateGrain : Grain, IGateGrain
{
    private static readonly ConcurrentDictionary<string, Gate> Gates = new(StringComparer.Ordinal);
    private bool _holding;
    private bool _ranWorkWhileHeld;

    /// <summary>Completes once a <see cref="IGateGrain.Hold"/> call on this key is running.</summary>
    public static Task WhenHolding(string key) => GateOf(key).Holding.Task;

    /// <summary>Ends the <see cref="IGateGrain.Hold"/> call on this key.</summary>
    public static void Release(string key) => GateOf(key).Released.TrySetResult();

    /// <summary>Completes when the grain with this key is deactivated, with the reason.</summary>
    public static Task<DeactivationReason> WhenDeactivated(string key) => GateOf(key).Deactivated.Task;

    /// <summary>How many <see cref="IGateGrain.Work"/> calls on this key ran.</summary>
    public static int WorkRuns(string key) => Volatile.Read(ref GateOf(key).WorkRuns);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        GateOf(this.GetPrimaryKeyString()).Deactivated.TrySetResult(reason);
        return Task.CompletedTask;
    }

    public async Task Hold()
    {
        var gate = GateOf(this.GetPrimaryKeyString());
        _holding = true;
        gate.Holding.TrySetResult();
        await gate.Released.Task;
        _holding = false;
    }

    public async Task<string> Work()
    {
        _ranWorkWhileHeld |= _holding;
        Interlocked.Increment(ref GateOf(this.GetPrimaryKeyString()).WorkRuns);
        await Task.Yield();
        return "done";
    }

    public Task<bool> RanWorkWhileHeld() => Task.FromResult(_ranWorkWhileHeld);

    public Task<string> Ping() => Task.FromResult("pong");

    private static Gate GateOf(string key) => Gates.GetOrAdd(key, _ => new Gate());

    private sealed class Gate
    {
        public readonly TaskCompletionSource Holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource Released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource<DeactivationReason> Deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int WorkRuns;
    }
}
