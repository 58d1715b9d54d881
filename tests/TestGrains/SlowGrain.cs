
namespace OrleansConsistency.TestGrains;

public interface ISlowGrain : IGrainWithStringKey
{
    Task<string> Delay(TimeSpan duration);

    /// <summary>Waits until cancelled by the call's deadline; returns whether it was.</summary>
    Task<bool> WaitForDeadline(TimeSpan upTo, CancellationToken cancellationToken);

    Task<bool> SawCancellation();

    [AlwaysInterleave]
    Task<string> Ping();

    Task<int> CountStartedCalls();
}

/// <summary>Non-reentrant: a long Delay holds the grain; Ping interleaves anyway.</summary>
public sealed class SlowGrain : Grain, ISlowGrain
{
    private int _started;
    private bool _sawCancellation;

    public async Task<string> Delay(TimeSpan duration)
    {
        _started++;
        await Task.Delay(duration);
        return "done";
    }

    public async Task<bool> WaitForDeadline(TimeSpan upTo, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(upTo, cancellationToken);
            return false;
        }
        catch (OperationCanceledException)
        {
            _sawCancellation = true;
            return true;
        }
    }

    public Task<bool> SawCancellation() => Task.FromResult(_sawCancellation);

    public Task<string> Ping() => Task.FromResult("pong");

    public Task<int> CountStartedCalls() => Task.FromResult(_started);
}

public interface IReentrantSlowGrain : IGrainWithStringKey
{
    Task<string> Delay(TimeSpan duration);
}

[Reentrant]
public sealed class ReentrantSlowGrain : Grain, IReentrantSlowGrain
{
    public async Task<string> Delay(TimeSpan duration)
    {
        await Task.Delay(duration);
        return "done";
    }
}
