using Microsoft.Extensions.Time.Testing;

namespace OrleansConsistency.Storage.Tests.Storage;

/// <summary>
/// <see cref="FakeTimeProvider"/> that also says when the next timer is created: a test that moves the clock before
/// the code under test has started its delay would move it past nothing, and the delay would then never end.
/// </summary>
internal sealed class TimerWatchingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _timerCreated = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the next timer is created (e.g. the delay of an injected latency).</summary>
    public Task NextTimerCreated
    {
        get
        {
            lock (_lock)
            {
                return _timerCreated.Task;
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        TaskCompletionSource created;
        lock (_lock)
        {
            created = _timerCreated;
            _timerCreated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        created.TrySetResult();
        return timer;
    }
}
