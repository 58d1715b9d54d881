using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orleans;
using OrleansConsistency.Grains.Interfaces.Consumers;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Grains.Interfaces.Streams;
using OrleansConsistency.Grains.Serialization;
using OrleansConsistency.Grains.Telemetry;
using OrleansConsistency.Storage;
using Polly;

namespace OrleansConsistency.Grains.Consumers;

/// <summary>
/// One consumer in this silo: its resilience pipeline and breaker, its bulkhead (at most
/// <see cref="ConsumerOptions.Concurrency"/> resources handled at once, the rest wait), pause and resume, its lag, and
/// the sweep for resources it is behind on. The work itself is driven by <see cref="ResourceConsumersGrain"/>, the
/// Orleans stream subscriber of each resource, which holds one <see cref="ResourceLane"/> per consumer: per resource,
/// events are handled in version order, at least once; each success moves a durable checkpoint and is acknowledged to
/// the resource grain; a failure past the pipeline's patience is dead-lettered, never skipped silently.
/// </summary>
internal sealed partial class ConsumerRunner : IAsyncDisposable
{
    private const int LogPageSize = 256;
    private const int BacklogPageSize = 1000;
    private const int SweepCallsAtOnce = 64;

    private readonly ConcurrentDictionary<ResourceLane, byte> _lanes = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _bulkhead;
    private readonly ConsumerServices _services;
    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger _logger;
    private TaskCompletionSource? _paused;
    private Task _sweep = Task.CompletedTask;
    private int _disposed;
    private IDisposable? _lagTracking;
    private IDisposable? _breakerTracking;
    private IDisposable? _bulkheadTracking;
    private int _inFlight;
    private int _waiting;

    public ConsumerRunner(string name, ConsumerOptions options, IResourceConsumer consumer, ConsumerServices services)
    {
        Name = name;
        Options = options;
        Consumer = consumer;
        _services = services;
        _bulkhead = new SemaphoreSlim(Math.Max(1, options.Concurrency));
        _logger = services.LoggerFactory.CreateLogger($"OrleansConsistency.Consumers.{name}");
        _pipeline = ConsumerPipeline.Build(services.Pipelines, name, options, services.TimeProvider, state => Breaker = state, ReportRetryAsync);
    }

    public string Name { get; }

    public ConsumerOptions Options { get; }

    public IResourceConsumer Consumer { get; }

    public string Breaker { get; private set; } = "closed";

    public bool IsPaused => Volatile.Read(ref _paused) is not null;

    /// <summary>True once the silo stops its consumers: lanes stop draining (their checkpoints say where to resume).</summary>
    public bool IsStopping => Volatile.Read(ref _disposed) != 0;

    public ConsumerState Describe() =>
        new(Name, IsPaused, Breaker, Volatile.Read(ref _inFlight), _lanes.Keys.Count(l => l.HasWork));

    public void Start()
    {
        _lagTracking = SettlementInstruments.TrackConsumer(Name, Lag);
        _breakerTracking = ResilienceInstruments.TrackBreaker(Name, () => Breaker);
        _bulkheadTracking = ResilienceInstruments.TrackBulkhead(Name, () => (Volatile.Read(ref _inFlight), Math.Max(1, Options.Concurrency), Volatile.Read(ref _waiting)));
        _sweep = Task.Run(() => SweepAsync(_stopping.Token));
    }

    public bool Consumes(string type) => Options.Types.Count == 0 || Options.Types.Contains(type);

    /// <summary>A lane for a resource whose subscriber grain activated in this silo; detach it when the grain deactivates.</summary>
    public ResourceLane Attach(ResourceKey resource)
    {
        var lane = new ResourceLane(resource);
        _lanes[lane] = 0;
        return lane;
    }

    public void Detach(ResourceLane lane) => _lanes.TryRemove(lane, out _);

    public void Pause() => Interlocked.CompareExchange(ref _paused, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null);

    // The lanes waiting for the resume continue by themselves, each on its grain.
    public void Resume() => Interlocked.Exchange(ref _paused, null)?.TrySetResult();

    /// <summary>Handles again the versions this consumer gave up on for a resource; returns how many now succeeded.</summary>
    public async Task<int> RetryFailedAsync(ResourceKey resource, CancellationToken cancellationToken)
    {
        var succeeded = 0;
        foreach (var failure in await _services.Failures.ListFailuresByConsumerAsync(Name, resource.GrainKey, cancellationToken))
        {
            var page = await _services.Log.ReadStreamAsync(resource.StreamNamespace, resource.Id, failure.Version, 1, cancellationToken);
            if (page.Count == 0 || page[0].Version != failure.Version)
            {
                continue;
            }

            var record = page[0];

            var attempts = new DeliveryAttempts(resource, failure.Version) { Count = failure.Attempts };
            if (await TryHandleAsync(resource, record, attempts, cancellationToken) is null)
            {
                await _services.Failures.RemoveFailureAsync(Name, resource.GrainKey, failure.Version, cancellationToken);
                await Grain(resource).Acknowledge(new ConsumerAcknowledgement(Name, failure.Version, attempts.Count, _services.TimeProvider.GetUtcNow()));
                succeeded++;
            }
        }

        return succeeded;
    }

    /// <summary>Versions committed but not handled yet, over the resources active here, and how long the oldest has waited.</summary>
    public (long Versions, double Seconds) Lag()
    {
        var now = _services.TimeProvider.GetUtcNow();
        long versions = 0;
        var oldest = now;
        foreach (var lane in _lanes.Keys)
        {
            var behind = lane.KnownHead - Math.Max(0, lane.Checkpoint);
            if (behind > 0)
            {
                versions += behind;
                if (lane.PendingSince is { } since && since < oldest)
                {
                    oldest = since;
                }
            }
        }

        return (versions, versions == 0 ? 0 : (now - oldest).TotalSeconds);
    }

    public async ValueTask DisposeAsync()
    {
        // Once only: a host whose stop timed out stops (and so disposes) its consumers again, and cancelling a disposed
        // token source would throw.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _lagTracking?.Dispose();
        _breakerTracking?.Dispose();
        _bulkheadTracking?.Dispose();
        await _stopping.CancelAsync();
        Interlocked.Exchange(ref _paused, null)?.TrySetResult();
        try
        {
            await _sweep;
        }
        catch (OperationCanceledException)
        {
            // Stopping is what was asked for.
        }

        // Not disposed: lanes still draining on their grains link to its token until they see it cancelled.
    }

    /// <summary>
    /// Handles the lane's versions after its checkpoint, in order, until none is known to wait. Called by the lane's
    /// grain, one drain per lane at a time, so its awaits resume on the grain and the lane needs no locks.
    /// </summary>
    public async Task DrainAsync(ResourceLane lane, CancellationToken stopping)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stopping, _stopping.Token);
        stopping = stop.Token;
        if (IsPaused && lane.KnownHead > Math.Max(lane.Checkpoint, 0))
        {
            await ReportPausedAsync(lane);
        }

        await WhileNotPausedAsync(stopping);
        Interlocked.Increment(ref _waiting);
        try
        {
            await _bulkhead.WaitAsync(stopping);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }

        Interlocked.Increment(ref _inFlight);
        try
        {
            if (lane.Checkpoint < 0)
            {
                lane.Checkpoint = await _services.Checkpoints.GetAsync(Name, lane.Resource.GrainKey, stopping) ?? 0;
            }

            while (true)
            {
                if (IsPaused)
                {
                    return; // The grain's drain waits for the resume and calls again.
                }

                var record = lane.TakeNext();
                if (record is null)
                {
                    if (lane.KnownHead <= lane.Checkpoint && !lane.TakeLogCheck())
                    {
                        return;
                    }

                    var page = await _services.Log.ReadStreamAsync(lane.Resource.StreamNamespace, lane.Resource.Id, lane.Checkpoint + 1, LogPageSize, stopping);
                    if (page.Count == 0)
                    {
                        return;
                    }

                    foreach (var logged in page)
                    {
                        lane.Buffer(logged);
                    }

                    if (page.Count == LogPageSize)
                    {
                        lane.RequestLogCheck();
                    }

                    continue;
                }

                await HandleAsync(lane, record, stopping);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _bulkhead.Release();
        }
    }

    /// <summary>Returns at once, or when a paused consumer is resumed.</summary>
    private async Task WhileNotPausedAsync(CancellationToken stopping)
    {
        while (Volatile.Read(ref _paused) is { } paused)
        {
            await paused.Task.WaitAsync(stopping);
        }
    }

    private async Task HandleAsync(ResourceLane lane, EventRecord record, CancellationToken stopping)
    {
        var attempts = new DeliveryAttempts(lane.Resource, record.Version);
        var failure = await TryHandleAsync(lane.Resource, record, attempts, stopping);
        var now = _services.TimeProvider.GetUtcNow();
        if (failure is not null)
        {
            // Giving up is a recorded decision, never a silent skip: the dead letter is written first, then the
            // grain marks the intent failed, and only then does the checkpoint move past the version.
            var reason = ConsumerPipeline.Describe(failure);
            await _services.Failures.RecordFailureAsync(new ConsumerFailure(Name, lane.Resource.GrainKey, record.Version, reason, attempts.Count, now), stopping);
            await Grain(lane.Resource).ReportTrouble(new ConsumerTrouble(Name, record.Version, attempts.Count, reason, null, GaveUp: true));
            if (Options.IsProcessManager && failure is PoisonEventException)
            {
                // A saga that failed and undid its steps is a business outcome, not a fault: no stack trace.
                LogProcessEnded(_logger, Name, lane.Resource.GrainKey, record.Version, reason);
            }
            else
            {
                LogGaveUp(_logger, failure, Name, lane.Resource.GrainKey, record.Version, attempts.Count);
            }

            ResilienceInstruments.GaveUp.Add(1, new KeyValuePair<string, object?>("dependency", Name));
            FailureLog.Record(new RecentFailure(now, $"consumer:{Name}", lane.Resource.GrainKey, "gave-up", $"Gave up on version {record.Version} after {attempts.Count} attempts: {reason}"));
        }

        // A checkpointing consumer already moved the checkpoint with its effect; otherwise it moves now, after the effect.
        // Not cancelled by stopping: the effect happened, and a silo that stops (or a grain that deactivates) right
        // now would otherwise leave the version to be handled again by the next reader (the storage bounds the wait).
        lane.Checkpoint = attempts.CheckpointWritten ?? await _services.Checkpoints.SetAsync(Name, lane.Resource.GrainKey, record.Version, CancellationToken.None);
        lane.Handled(now);
        if (failure is null)
        {
            await Grain(lane.Resource).Acknowledge(new ConsumerAcknowledgement(Name, record.Version, attempts.Count, now));
        }
    }

    /// <summary>Runs the consumer through the pipeline; null on success, else the exception it gave up with.</summary>
    private async Task<Exception?> TryHandleAsync(ResourceKey resource, EventRecord record, DeliveryAttempts attempts, CancellationToken stopping)
    {
        TransitionEvent transition;
        try
        {
            transition = JsonSerializer.Deserialize(record.Payload, GrainsJsonContext.Default.TransitionEvent)!;
        }
        catch (JsonException ex)
        {
            return new PoisonEventException($"The event cannot be read ({ex.Message}).", ex);
        }

        // The event carries the span that applied it, so this delivery joins the intent's trace (also after a restart).
        ActivityContext.TryParse(transition.TraceParent, null, isRemote: true, out var applied);
        using var span = GrainsTelemetry.Source.StartActivity($"consume {Name}", ActivityKind.Consumer, applied);
        span?.SetTag("oc.consumer", Name);
        span?.SetTag("oc.resource", resource.GrainKey);
        span?.SetTag("oc.version", record.Version);
        span?.SetTag(Interfaces.Correlation.CorrelationContext.Tag, transition.CorrelationId);
        var context = ResilienceContextPool.Shared.Get(stopping);
        context.Properties.Set(ConsumerPipeline.Attempts, attempts);
        try
        {
            await _pipeline.ExecuteAsync(
                async (ctx, state) =>
                {
                    state.Attempts.Count++;
                    var consumerContext = new ConsumerContext(Name, state.Attempts.Count, $"{Name}:{state.Resource.GrainKey}:{state.Attempts.Version}");
                    if (Consumer is ICheckpointingConsumer checkpointing)
                    {
                        var checkpoint = new ConsumerCheckpoint(Name, state.Resource.GrainKey, state.Attempts.Version);
                        state.Attempts.CheckpointWritten = await checkpointing.HandleAsync(state.Transition, consumerContext, checkpoint, ctx.CancellationToken);
                    }
                    else
                    {
                        await Consumer.HandleAsync(state.Transition, consumerContext, ctx.CancellationToken);
                    }
                },
                context,
                (Attempts: attempts, Resource: resource, Transition: transition));
            span?.SetTag("oc.attempts", attempts.Count);
            return null;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Whatever the pipeline let through is the reason the consumer gives up.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            span?.SetTag("oc.attempts", attempts.Count);
            span?.SetStatus(ActivityStatusCode.Error, ConsumerPipeline.Describe(ex));
            return ex;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Tells the resource grain that its changes wait because an operator paused this consumer, not because anything failed.</summary>
    public async Task ReportPausedAsync(ResourceLane lane)
    {
        try
        {
            await Grain(lane.Resource).ReportTrouble(new ConsumerTrouble(Name, lane.KnownHead, 0, "paused by an operator", null, GaveUp: false, Paused: true));
        }
#pragma warning disable CA1031 // A status hint must never stop the drain itself.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogReportFailed(_logger, ex, Name);
        }
    }

    private async ValueTask ReportRetryAsync(DeliveryAttempts attempts, Exception exception, TimeSpan delay)
    {
        try
        {
            var now = _services.TimeProvider.GetUtcNow();
            var next = now + delay;
            var reason = ConsumerPipeline.Describe(exception);
            ResilienceInstruments.Retries.Add(
                1,
                new KeyValuePair<string, object?>("dependency", Name),
                new KeyValuePair<string, object?>("reason", ConsumerPipeline.ReasonCode(exception)));
            FailureLog.Record(new RecentFailure(now, $"consumer:{Name}", attempts.Resource.GrainKey, "retry", $"Attempt {attempts.Count} on version {attempts.Version} failed: {reason}"));
            await Grain(attempts.Resource).ReportTrouble(new ConsumerTrouble(Name, attempts.Version, attempts.Count, ConsumerPipeline.Describe(exception), next, GaveUp: false));
        }
#pragma warning disable CA1031 // A status hint must never stop the retry itself.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogReportFailed(_logger, ex, Name);
        }
    }

    /// <summary>
    /// Every <see cref="ConsumerServices.SweepInterval"/>, finds resources this consumer is behind on while no new event
    /// arrives for them (after a restart, or anything live delivery missed), and wakes their subscriber grains, which
    /// catch up from the log. Each silo sweeps the resources whose stream queue it reads, so each is woken once.
    /// </summary>
    private async Task SweepAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_services.SweepInterval, _services.TimeProvider);
        do
        {
            try
            {
                // A type's resources are "{type}/{id}" in the default tenant and "{type}@{tenant}/{id}" in the others.
                foreach (var prefix in Options.Types.Count == 0 ? [string.Empty] : Options.Types.SelectMany(t => new[] { t + "/", t + ResourceKey.TenantSeparator }))
                {
                    var behind = (await _services.Checkpoints.ListBehindAsync(Name, ResourceGrainType, prefix, BacklogPageSize, stopping))
                        .Select(b => ResourceKey.ParseGrainKey(b.ResourceId))
                        .Where(resource => _services.Queues.IsReadHere(ResourceStreams.Of(resource)))
                        .ToList();
                    foreach (var chunk in behind.Chunk(SweepCallsAtOnce))
                    {
                        await Task.WhenAll(chunk.Select(r => _services.GrainFactory.GetGrain<IResourceConsumersGrain>(r.GrainKey).CatchUp()));
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Storage or a silo may be down; the next round tries again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogSweepFailed(_logger, ex, Name);
            }
        }
        while (await WaitForTickAsync(timer, stopping));
    }

    private static async Task<bool> WaitForTickAsync(PeriodicTimer timer, CancellationToken stopping)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return false;
        }
    }

    private IResourceGrain Grain(ResourceKey resource) => _services.GrainFactory.GetGrain<IResourceGrain>(resource.GrainKey);

    private const string ResourceGrainType = "resource";

    [LoggerMessage(Level = LogLevel.Error, Message = "Consumer {Consumer} gave up on {Resource} version {Version} after {Attempts} attempts")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, string consumer, string resource, long version, int attempts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Process manager {Consumer} ended {Resource} version {Version} as failed: {Reason}")]
    private static partial void LogProcessEnded(ILogger logger, string consumer, string resource, long version, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Consumer {Consumer} could not report a retry or a pause to the resource")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, string consumer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consumer {Consumer} could not look for work it is behind on")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception, string consumer);
}
