using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Orleans;
using OrleansConsistency.Grains.Interfaces.Consumers;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Grains.Serialization;
using OrleansConsistency.Grains.Telemetry;
using OrleansConsistency.Storage;
using OrleansConsistency.Storage.Streams;
using Polly;

namespace OrleansConsistency.Grains.Consumers;

/// <summary>
/// Runs one consumer in this silo. Per resource, events are handled in version order (one worker per resource at a
/// time), at least once, through the consumer's resilience pipeline; each success moves a durable checkpoint and is
/// acknowledged to the resource grain. Live events come from the commit path; anything missed (a restart, a full
/// buffer, a gap) is read from the log, found by comparing checkpoints with the resources' versions. In a cluster
/// the runner handles only the resources whose partition this silo leases (<see cref="ConsumerLeases"/>): events
/// committed on other silos come from the lease manager's poller, and a newly leased partition is swept at once.
/// </summary>
internal sealed partial class ConsumerRunner : IAsyncDisposable
{
    private const int LogPageSize = 256;
    private const int BacklogPageSize = 1000;

    private readonly ConcurrentDictionary<string, ResourceLane> _lanes = new(StringComparer.Ordinal);
    private readonly Channel<ResourceLane> _ready = Channel.CreateUnbounded<ResourceLane>();
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;
    private readonly Channel<bool> _sweepRequests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly List<Task> _loops = [];
    private readonly ConsumerServices _services;
    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger _logger;
    private TaskCompletionSource? _paused;
    private IDisposable? _observation;
    private IDisposable? _clusterObservation;
    private IDisposable? _acquisitions;
    private IDisposable? _lagTracking;
    private IDisposable? _breakerTracking;
    private IDisposable? _bulkheadTracking;
    private int _inFlight;

    public ConsumerRunner(string name, ConsumerOptions options, IResourceConsumer consumer, ConsumerServices services)
    {
        Name = name;
        Options = options;
        Consumer = consumer;
        _services = services;
        _logger = services.LoggerFactory.CreateLogger($"OrleansConsistency.Consumers.{name}");
        _pipeline = ConsumerPipeline.Build(options, services.TimeProvider, state => Breaker = state, ReportRetryAsync);
    }

    public string Name { get; }

    public ConsumerOptions Options { get; }

    public IResourceConsumer Consumer { get; }

    public string Breaker { get; private set; } = "closed";

    public ConsumerState Describe() =>
        new(Name, Volatile.Read(ref _paused) is not null, Breaker, Volatile.Read(ref _inFlight), _lanes.Values.Count(l => l.HasWork));

    public void Start()
    {
        _observation = _services.Streams.ObserveCommitted(ResourceKey.StreamNamespacePrefix, OnCommitted);
        _clusterObservation = _services.Leases.ObserveClusterCommits(ResourceKey.StreamNamespacePrefix, OnCommittedInCluster);
        _acquisitions = _services.Leases.OnAcquired(Name, () => _sweepRequests.Writer.TryWrite(true));
        _services.Leases.Register(Name);
        _lagTracking = SettlementInstruments.TrackConsumer(Name, Lag);
        _breakerTracking = ResilienceInstruments.TrackBreaker(Name, () => Breaker);

        // The workers are the consumer's bulkhead: at most Concurrency resources at once, the rest wait in the queue.
        _bulkheadTracking = ResilienceInstruments.TrackBulkhead(Name, () => (Volatile.Read(ref _inFlight), Math.Max(1, Options.Concurrency), _ready.Reader.Count));
        for (var i = 0; i < Math.Max(1, Options.Concurrency); i++)
        {
            _loops.Add(Task.Run(() => WorkAsync(_stopping.Token)));
        }

        _loops.Add(Task.Run(() => SweepAsync(_stopping.Token)));
    }

    public void Pause() => Interlocked.CompareExchange(ref _paused, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null);

    public void Resume()
    {
        Interlocked.Exchange(ref _paused, null)?.TrySetResult();
        foreach (var lane in _lanes.Values.Where(l => l.HasWork))
        {
            Schedule(lane);
        }
    }

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

    /// <summary>Versions committed but not handled yet, over every resource, and how long the oldest has waited.</summary>
    public (long Versions, double Seconds) Lag()
    {
        var now = _services.TimeProvider.GetUtcNow();
        long versions = 0;
        var oldest = now;
        foreach (var lane in _lanes.Values)
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

        _observation?.Dispose();
        _clusterObservation?.Dispose();
        _acquisitions?.Dispose();
        _lagTracking?.Dispose();
        _breakerTracking?.Dispose();
        _bulkheadTracking?.Dispose();
        await _stopping.CancelAsync();
        Interlocked.Exchange(ref _paused, null)?.TrySetResult();
        try
        {
            await Task.WhenAll(_loops);
        }
        catch (OperationCanceledException)
        {
            // Stopping is what was asked for.
        }

        _stopping.Dispose();
    }

    private bool Consumes(string type) => Options.Types.Count == 0 || Options.Types.Contains(type);

    /// <summary>True while this silo handles the resource for this consumer (always, without a cluster).</summary>
    private bool Holds(ResourceKey resource) => _services.Leases.Holds(Name, resource.GrainKey);

    private void OnCommitted(EventRecord committed)
    {
        var type = committed.StreamNamespace[ResourceKey.StreamNamespacePrefix.Length..];
        var resource = new ResourceKey(type, committed.StreamKey);
        if (Consumes(type) && Holds(resource))
        {
            var lane = Lane(resource);
            lane.Offer(committed);
            Schedule(lane);
        }
    }

    /// <summary>An event read from the events table (committed on any silo); skipped when this silo already knows of the version.</summary>
    private void OnCommittedInCluster(EventRecord committed)
    {
        var type = committed.StreamNamespace[ResourceKey.StreamNamespacePrefix.Length..];
        var resource = new ResourceKey(type, committed.StreamKey);
        if (Consumes(type) && Holds(resource) && (!_lanes.TryGetValue(resource.GrainKey, out var known) || known.KnownHead < committed.Version))
        {
            var lane = Lane(resource);
            lane.Offer(committed);
            Schedule(lane);
        }
    }

    private ResourceLane Lane(ResourceKey resource) => _lanes.GetOrAdd(resource.GrainKey, _ => new ResourceLane(resource));

    private void Schedule(ResourceLane lane)
    {
        if (lane.TryMarkScheduled())
        {
            _ready.Writer.TryWrite(lane);
        }
    }

    private async Task WorkAsync(CancellationToken stopping)
    {
        await foreach (var lane in _ready.Reader.ReadAllAsync(stopping))
        {
            Interlocked.Increment(ref _inFlight);
            try
            {
                await DrainAsync(lane, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Storage or the grain may be down: the lane is picked up again by the next sweep.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogLaneFailed(_logger, ex, Name, lane.Resource.GrainKey);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
                lane.UnmarkScheduled();
            }

            if (lane.HasWork && Volatile.Read(ref _paused) is null && !stopping.IsCancellationRequested && Holds(lane.Resource))
            {
                Schedule(lane);
            }
        }
    }

    private async Task DrainAsync(ResourceLane lane, CancellationToken stopping)
    {
        if (lane.Checkpoint < 0)
        {
            lane.Checkpoint = await _services.Checkpoints.GetAsync(Name, lane.Resource.GrainKey, stopping) ?? 0;
        }

        while (true)
        {
            if (Volatile.Read(ref _paused) is not null)
            {
                // Paused: stop here; Resume schedules the lanes that still have work.
                return;
            }

            if (!Holds(lane.Resource))
            {
                // The lease is gone (expired, or given to a silo that joined): the new holder resumes from the checkpoint.
                _lanes.TryRemove(new KeyValuePair<string, ResourceLane>(lane.Resource.GrainKey, lane));
                return;
            }

            var record = lane.TakeNext();
            if (record is null)
            {
                if (lane.KnownHead <= lane.Checkpoint)
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

                continue;
            }

            await HandleAsync(lane, record, stopping);
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
        lane.Checkpoint = attempts.CheckpointWritten ?? await _services.Checkpoints.SetAsync(Name, lane.Resource.GrainKey, record.Version, stopping);
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
    /// Finds resources this consumer is behind on (after a restart, or anything live delivery missed) every so often,
    /// and at once when this silo gained partitions.
    /// </summary>
    private async Task SweepAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_services.SweepInterval, _services.TimeProvider);
        Task<bool>? tick = null;
        Task<bool>? requested = null;
        while (true)
        {
            try
            {
                foreach (var prefix in Options.Types.Count == 0 ? [string.Empty] : Options.Types.Select(t => t + "/"))
                {
                    foreach (var behind in await _services.Checkpoints.ListBehindAsync(Name, ResourceGrainType, prefix, BacklogPageSize, stopping))
                    {
                        var resource = ResourceKey.ParseGrainKey(behind.ResourceId);
                        if (!Holds(resource))
                        {
                            continue; // Another silo's partition: it sweeps it.
                        }

                        var lane = Lane(resource);
                        lane.RaiseHead(behind.Version);
                        lane.MarkPending(_services.TimeProvider.GetUtcNow());
                        Schedule(lane);
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Storage may be down; the next round tries again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogSweepFailed(_logger, ex, Name);
            }

            // The timer's and the channel's waits are kept across rounds: a PeriodicTimer allows one waiter at a time.
            tick ??= timer.WaitForNextTickAsync(stopping).AsTask();
            requested ??= _sweepRequests.Reader.WaitToReadAsync(stopping).AsTask();
            try
            {
                var woke = await Task.WhenAny(tick, requested);
                if (!await woke)
                {
                    return;
                }

                if (woke == tick)
                {
                    tick = null;
                }
                else
                {
                    requested = null;
                    _sweepRequests.Reader.TryRead(out _);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private IResourceGrain Grain(ResourceKey resource) => _services.GrainFactory.GetGrain<IResourceGrain>(resource.GrainKey);

    private const string ResourceGrainType = "resource";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consumer {Consumer} failed on {Resource}; it will be picked up again")]
    private static partial void LogLaneFailed(ILogger logger, Exception exception, string consumer, string resource);

    [LoggerMessage(Level = LogLevel.Error, Message = "Consumer {Consumer} gave up on {Resource} version {Version} after {Attempts} attempts")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, string consumer, string resource, long version, int attempts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Process manager {Consumer} ended {Resource} version {Version} as failed: {Reason}")]
    private static partial void LogProcessEnded(ILogger logger, string consumer, string resource, long version, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Consumer {Consumer} could not report a retry to the resource")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, string consumer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consumer {Consumer} could not look for work it is behind on")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception, string consumer);
}
