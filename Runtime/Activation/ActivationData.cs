using System.Diagnostics;
using System.Reflection;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OrleansConsistency.Runtime.Calls;
using OrleansConsistency.Runtime.Hosting;
using OrleansConsistency.Runtime.Telemetry;

namespace OrleansConsistency.Runtime.Activation;

/// <summary>
/// One activation of one grain in this silo: its mailbox, its turn-based execution and its life cycle.
/// All grain code runs on the activation's exclusive scheduler, so it runs on one thread at a time even when calls
/// interleave; a non-reentrant grain additionally runs each call to completion before taking the next one.
/// </summary>
internal sealed partial class ActivationData
{
    private readonly Channel<object> _mailbox = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ActivationTaskScheduler _scheduler = new();
    private readonly TaskCompletionSource _deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<Task> _runningInterleaved = [];
    private readonly SiloRuntime _runtime;
    private readonly Catalog _catalog;
    private int _started;
    private int _pending;
    private int _waiting;
    private long _lastActiveTimestamp;
    private Grain? _grain;
    private int _state;

    public ActivationData(GrainId grainId, GrainTypeInfo grainType, SiloRuntime runtime, Catalog catalog)
    {
        GrainId = grainId;
        GrainType = grainType;
        _runtime = runtime;
        _catalog = catalog;
        _lastActiveTimestamp = runtime.TimeProvider.GetTimestamp();
    }

    public GrainId GrainId { get; }

    public GrainTypeInfo GrainType { get; }

    /// <summary>Written only on the activation's scheduler; read from callers' threads to decide whether an interleaving call may start at once.</summary>
    public ActivationState State
    {
        get => (ActivationState)Volatile.Read(ref _state);
        private set => Volatile.Write(ref _state, (int)value);
    }

    /// <summary>Completes when the activation is gone (deactivated, or failed to activate); callers that found its mailbox closed wait for it, then retry.</summary>
    public Task Deactivated => _deactivated.Task;

    public bool IsIdle => Volatile.Read(ref _pending) == 0;

    public TimeSpan IdleFor => _runtime.TimeProvider.GetElapsedTime(Volatile.Read(ref _lastActiveTimestamp));

    /// <summary>
    /// Queues a call. Closed when the mailbox is closed because the activation is going away; Full when
    /// <paramref name="maxWaiting"/> calls already wait (the call is not queued: unbounded queues only make every
    /// caller wait longer and end in timeouts).
    /// </summary>
    public MailboxDelivery TryEnqueue(GrainCall call, int? maxWaiting)
    {
        Interlocked.Increment(ref _pending);
        if (call.Method.AlwaysInterleave && State == ActivationState.Valid)
        {
            // Interleaving calls skip the queue but still run on the activation's scheduler: one thread at a time.
            _ = Task.Factory.StartNew(() => TrackInterleaved(RunCallAsync(call)), CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler);
            return MailboxDelivery.Queued;
        }

        if (Interlocked.Increment(ref _waiting) > maxWaiting)
        {
            Interlocked.Decrement(ref _waiting);
            Interlocked.Decrement(ref _pending);
            return MailboxDelivery.Full;
        }

        if (!_mailbox.Writer.TryWrite(call))
        {
            Interlocked.Decrement(ref _waiting);
            Interlocked.Decrement(ref _pending);
            return MailboxDelivery.Closed;
        }

        EnsureStarted();
        return MailboxDelivery.Queued;
    }

    public void RequestDeactivation(DeactivationReason reason, bool onlyIfIdle)
    {
        if (_mailbox.Writer.TryWrite(new DeactivationRequest(reason, onlyIfIdle)))
        {
            EnsureStarted();
        }
    }

    private void EnsureStarted()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            // The loop must not inherit the first caller's execution context (its deadline, its request values).
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Factory.StartNew(RunGuardedAsync, CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler).Unwrap();
            }
        }
    }

    private async Task RunGuardedAsync()
    {
        try
        {
            await RunAsync().ConfigureAwait(true);
        }
#pragma warning disable CA1031 // A bug in the loop must close the activation, not strand its callers.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogLoopFailed(_runtime.Logger, ex, GrainId);
            Close(ex);
        }
    }

    private async Task RunAsync()
    {
        if (!await ActivateAsync().ConfigureAwait(true))
        {
            return;
        }

        var reader = _mailbox.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(true))
        {
            while (reader.TryRead(out var item))
            {
                if (item is DeactivationRequest request)
                {
                    // Pending counts queued calls too, so a call that arrived after the idle check keeps the grain alive.
                    if (request.OnlyIfIdle && !IsIdle)
                    {
                        continue;
                    }

                    await DeactivateAsync(request.Reason).ConfigureAwait(true);
                    return;
                }

                var call = (GrainCall)item;
                Interlocked.Decrement(ref _waiting);
                if (GrainType.IsReentrant || call.Method.AlwaysInterleave)
                {
                    TrackInterleaved(RunCallAsync(call));
                }
                else
                {
                    await RunCallAsync(call).ConfigureAwait(true);
                }
            }
        }
    }

    private async Task<bool> ActivateAsync()
    {
        State = ActivationState.Activating;
        try
        {
            var context = new GrainContext(GrainId, this, _runtime);
            var grain = _runtime.Activator.Create(GrainType, context);
            foreach (var state in context.States)
            {
                await state.ReadStateAsync().ConfigureAwait(true);
            }

            using var activationTimeout = new CancellationTokenSource(_runtime.Options.ActivationTimeout, _runtime.TimeProvider);
            await grain.OnActivateAsync(activationTimeout.Token).ConfigureAwait(true);
            _grain = grain;
            State = ActivationState.Valid;
            LogActivated(_runtime.Logger, GrainId);
            RuntimeTelemetry.Activations.Add(1, new KeyValuePair<string, object?>("grain_type", GrainId.Type));
            return true;
        }
#pragma warning disable CA1031 // The failure is handed to every waiting caller, not swallowed.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogActivationFailed(_runtime.Logger, ex, GrainId);
            Close(ex);
            return false;
        }
    }

    /// <summary>Not left half-alive: the activation leaves the catalog and every queued call gets the failure.</summary>
    private void Close(Exception failure)
    {
        State = ActivationState.Invalid;
        _mailbox.Writer.TryComplete();
        _catalog.Remove(this);
        while (_mailbox.Reader.TryRead(out var item))
        {
            if (item is GrainCall call)
            {
                Interlocked.Decrement(ref _waiting);
                Interlocked.Decrement(ref _pending);
                call.SetException(failure);
            }
        }

        _deactivated.TrySetResult();
    }

    private async Task RunCallAsync(GrainCall call)
    {
        try
        {
            // Work whose deadline passed is not started; nor is a call its caller already gave up on.
            if (_runtime.TimeProvider.GetUtcNow() >= call.Deadline)
            {
                if (call.TryAbandon())
                {
                    call.SetException(call.DeadlinePassedBeforeStart());
                }

                return;
            }

            if (!call.TryStart())
            {
                return;
            }

            call.SetResult(await InvokeAsync(call).ConfigureAwait(true));
        }
#pragma warning disable CA1031 // The grain's exception is the call's result: it reaches the caller unchanged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            call.SetException(ex);
        }
        finally
        {
            Volatile.Write(ref _lastActiveTimestamp, _runtime.TimeProvider.GetTimestamp());
            Interlocked.Decrement(ref _pending);
        }
    }

    private async Task<object?> InvokeAsync(GrainCall call)
    {
        // Runs inside this async method so that the context set here flows into the grain's code and is undone on return.
        RequestContext.Restore((call.Context ?? RequestContextData.Empty) with { Deadline = call.Deadline });
        using var span = StartSpan(call);
        var arguments = call.Arguments;
        CancellationTokenSource? deadlineSource = null;
        if (call.Method.CancellationTokenIndex >= 0)
        {
            deadlineSource = CancellationTokenSource.CreateLinkedTokenSource((CancellationToken)arguments[call.Method.CancellationTokenIndex]!);
            var remaining = call.Deadline - _runtime.TimeProvider.GetUtcNow();
            deadlineSource.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
            arguments = (object?[])arguments.Clone();
            arguments[call.Method.CancellationTokenIndex] = deadlineSource.Token;
        }

        try
        {
            var returned = call.Method.Method.Invoke(_grain, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null);
            return await call.Method.AwaitGrainResult(returned).ConfigureAwait(true);
        }
        finally
        {
            deadlineSource?.Dispose();
        }
    }

    /// <summary>The call's span, a child of the caller's; null when nobody listens (then tracing costs nothing).</summary>
    private Activity? StartSpan(GrainCall call)
    {
        var span = RuntimeTelemetry.Source.StartActivity($"grain {call.Method.Name}", ActivityKind.Internal, call.Caller);
        if (span is not null)
        {
            span.SetTag("oc.grain.id", GrainId.ToString());
            span.SetTag("oc.grain.method", call.Method.Name);
            if (RequestContext.Get(RuntimeTelemetry.CorrelationIdContextKey) is { } correlationId)
            {
                span.SetTag(RuntimeTelemetry.CorrelationIdTag, correlationId);
            }
        }

        return span;
    }

    private void TrackInterleaved(Task running)
    {
        _runningInterleaved.Add(running);
        _ = running.ContinueWith(t => _runningInterleaved.Remove(t), CancellationToken.None, TaskContinuationOptions.None, _scheduler);
    }

    private async Task DeactivateAsync(DeactivationReason reason)
    {
        State = ActivationState.Deactivating;
        _mailbox.Writer.TryComplete();
        if (_runningInterleaved.Count > 0)
        {
            await Task.WhenAll(_runningInterleaved.ToArray()).ConfigureAwait(true);
        }

        try
        {
            using var timeout = new CancellationTokenSource(_runtime.Options.DeactivationTimeout, _runtime.TimeProvider);
            await _grain!.OnDeactivateAsync(reason, timeout.Token).WaitAsync(_runtime.Options.DeactivationTimeout, _runtime.TimeProvider).ConfigureAwait(true);
        }
#pragma warning disable CA1031 // A failing OnDeactivateAsync must not keep the activation alive; it is logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogDeactivationFailed(_runtime.Logger, ex, GrainId);
        }

        _catalog.Remove(this);
        State = ActivationState.Invalid;
        LogDeactivated(_runtime.Logger, GrainId, reason.Code);
        RuntimeTelemetry.Deactivations.Add(1, new KeyValuePair<string, object?>("grain_type", GrainId.Type));

        // Calls that were queued behind the deactivation go, in their order, to the next activation before any
        // caller that found the mailbox closed retries, so arrival order is kept.
        while (_mailbox.Reader.TryRead(out var item))
        {
            if (item is GrainCall call)
            {
                Interlocked.Decrement(ref _waiting);
                Interlocked.Decrement(ref _pending);
                _catalog.Redispatch(call);
            }
        }

        _deactivated.TrySetResult();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Activated {GrainId}")]
    private static partial void LogActivated(ILogger logger, GrainId grainId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Activation of {GrainId} failed")]
    private static partial void LogActivationFailed(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The mailbox loop of {GrainId} failed; the activation was closed")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OnDeactivateAsync of {GrainId} failed")]
    private static partial void LogDeactivationFailed(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Deactivated {GrainId} ({Reason})")]
    private static partial void LogDeactivated(ILogger logger, GrainId grainId, DeactivationReasonCode reason);
}
