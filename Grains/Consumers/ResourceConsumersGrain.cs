using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Placement;
using Orleans.Streams;
using Orleans.Streams.Core;
using OrleansConsistency.Grains.Interfaces.Consumers;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Grains.Interfaces.Streams;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Grains.Consumers;

/// <summary>
/// The Orleans stream subscriber of one resource: an implicit subscription to every resource stream, so Orleans
/// activates it on a resource's first event wherever the resource lives, and one per resource at a time. Each event
/// goes to one <see cref="ResourceLane"/> per consumer; each lane keeps its consumer's checkpoint, drops versions at or
/// below it, reads missing versions from the log before a later one, and catches up from the log on activation. The
/// handling runs beside the delivery, not inside it: Orleans' pulling agent gets its answer at once, so a slow consumer
/// never holds up the queue, and no exception ever reaches the agent (it would skip the event after a minute); the
/// lanes retry and dead-letter themselves.
/// </summary>
#pragma warning disable CA1001 // The token source lives as long as the activation; Orleans has no disposal hook after OnDeactivateAsync.
[RegexImplicitStreamSubscription("^resource/", StreamIdMapper = ResourceStreamIdMapper.Name)]
[PreferLocalPlacement]
internal sealed partial class ResourceConsumersGrain(ConsumerHost host, ILogger<ResourceConsumersGrain> logger)
    : Grain, IResourceConsumersGrain, IStreamSubscriptionObserver, IAsyncObserver<EventRecord>
#pragma warning restore CA1001
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan KeepAliveWhileWorking = TimeSpan.FromMinutes(2);

    private readonly List<(ConsumerRunner Runner, ResourceLane Lane)> _lanes = [];
    private readonly Dictionary<ResourceLane, Task> _draining = [];
    private readonly CancellationTokenSource _deactivating = new();
    private ResourceKey _resource;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _resource = ResourceKey.ParseGrainKey(this.GetPrimaryKeyString());
        foreach (var runner in host.Runners.Where(r => r.Consumes(_resource.Type)))
        {
            _lanes.Add((runner, runner.Attach(_resource)));
        }

        // A new lane reads the log after its checkpoint first: what was committed while nobody listened.
        ScheduleAll();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _deactivating.CancelAsync();
        try
        {
            await Task.WhenAll(_draining.Values).WaitAsync(cancellationToken);
        }
#pragma warning disable CA1031 // Stopping: what a lane did not finish, the next activation reads from its checkpoint.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        foreach (var (runner, lane) in _lanes)
        {
            runner.Detach(lane);
        }
    }

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory)
    {
        ArgumentNullException.ThrowIfNull(handleFactory);
        await handleFactory.Create<EventRecord>().ResumeAsync(this);
    }

    public async Task OnNextAsync(EventRecord item, StreamSequenceToken? token = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        foreach (var (runner, lane) in _lanes)
        {
            lane.Offer(item);

            // A drain that starts now says so itself; one already waiting for the resume cannot: the new version's
            // status learns it here.
            if (!Schedule(runner, lane) && runner.IsPaused)
            {
                await runner.ReportPausedAsync(lane);
            }
        }
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        // Orleans could not deliver something: read the log to be sure nothing is missed.
        LogStreamError(logger, ex, _resource);
        ScheduleAll();
        return Task.CompletedTask;
    }

    public Task CatchUp()
    {
        ScheduleAll();
        return Task.CompletedTask;
    }

    public Task<int> RetryFailed(string consumer) => host.Runner(consumer).RetryFailedAsync(_resource, _deactivating.Token);

    private void ScheduleAll()
    {
        foreach (var (runner, lane) in _lanes)
        {
            lane.RequestLogCheck();
            Schedule(runner, lane);
        }
    }

    /// <summary>
    /// Starts draining the lane unless it is draining already (one drain per lane keeps version order); true when it
    /// started one.
    /// </summary>
    private bool Schedule(ConsumerRunner runner, ResourceLane lane)
    {
        if (_draining.ContainsKey(lane) || _deactivating.IsCancellationRequested)
        {
            return false;
        }

        // Started on the grain's scheduler: every await in it comes back here, between the grain's calls.
        _draining[lane] = DrainAsync(runner, lane);
        return true;
    }

    private async Task DrainAsync(ConsumerRunner runner, ResourceLane lane)
    {
        await Task.Yield(); // Let the call that scheduled this return first.
        var stopping = _deactivating.Token;
        try
        {
            while (lane.HasWork && !stopping.IsCancellationRequested && !runner.IsStopping)
            {
                DelayDeactivation(KeepAliveWhileWorking);
                try
                {
                    await runner.DrainAsync(lane, stopping);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested || runner.IsStopping)
                {
                    return;
                }
#pragma warning disable CA1031 // Storage or the resource grain may be down: wait a little and try again.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogLaneFailed(logger, ex, runner.Name, _resource.GrainKey);
                    lane.RequestLogCheck();
                    await Task.Delay(RetryAfterFailure, stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Deactivating.
        }
        finally
        {
            _draining.Remove(lane);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consumer {Consumer} failed on {Resource}; trying again")]
    private static partial void LogLaneFailed(ILogger logger, Exception exception, string consumer, string resource);

    [LoggerMessage(Level = LogLevel.Information, Message = "The stream of {Resource} reported an error; its consumers read the log")]
    private static partial void LogStreamError(ILogger logger, Exception exception, ResourceKey resource);
}
