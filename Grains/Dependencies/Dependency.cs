using System.Net;
using System.Threading.RateLimiting;
using OrleansConsistency.Grains.Consumers;
using OrleansConsistency.Grains.Resilience;
using OrleansConsistency.Grains.Telemetry;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Registry;
using Polly.Retry;
using Polly.Timeout;

namespace OrleansConsistency.Grains.Dependencies;

/// <summary>
/// One external dependency and its own resilience pipeline (Polly v8, named <c>dependency:{name}</c> in the
/// registry Polly.Extensions puts in DI, so Polly's own logs and metrics name it): retries with exponential backoff
/// and jitter (only for calls that carry an idempotency key), around a circuit breaker, around a per-attempt timeout,
/// around a concurrency limiter (the bulkhead, Polly.RateLimiting: a slow dependency holds only its own slots, and
/// the wait for one counts against the attempt). Injected faults act inside the pipeline, exactly where a real
/// failure would, so the breaker counts them.
/// </summary>
public sealed class Dependency : IDisposable
{
    private static readonly ResiliencePropertyKey<string?> IdempotencyKey = new("dependency-idempotency-key");

    private readonly ResiliencePipeline _pipeline;
    private readonly ConcurrencyLimiter _bulkhead;
    private readonly CircuitBreakerStateProvider _breaker = new();
    private readonly TimeProvider _timeProvider;
    private readonly IDisposable _breakerMetric;
    private readonly IDisposable _bulkheadMetric;
    private DependencyFaults _faults;
    private DateTimeOffset? _openUntil;
    private long _rejected;

    /// <summary>Creates the dependency, or throws when its settings cannot work.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public Dependency(string name, DependencyOptions options, TimeProvider timeProvider, ResiliencePipelineRegistry<string> pipelines)
    {
        ArgumentNullException.ThrowIfNull(pipelines);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(name);
        Name = name;
        Options = options;
        _timeProvider = timeProvider;
        _faults = options.Faults;
        _bulkhead = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.MaxConcurrency,
            QueueLimit = options.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });

        _pipeline = OwnedPipelines.Add(pipelines, $"dependency:{name}", builder => Configure(builder, name, options, timeProvider));
        _breakerMetric = ResilienceInstruments.TrackBreaker(name, () => CircuitBreakers.Name(_breaker.CircuitState));
        _bulkheadMetric = ResilienceInstruments.TrackBulkhead(name, () =>
        {
            var state = Describe();
            return (state.SlotsInUse, state.SlotLimit, state.Queued);
        });
    }

    private void Configure(ResiliencePipelineBuilder builder, string name, DependencyOptions options, TimeProvider timeProvider)
    {
        builder.TimeProvider = timeProvider;
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                // Only idempotent work is retried: a call without a key might apply twice. An open breaker is not
                // retried here either: it stays open longer than these short retries, so the caller waits it out.
                ShouldHandle = args => ValueTask.FromResult(
                    args.Context.Properties.GetValue(IdempotencyKey, null) is not null
                    && args.Outcome.Exception is not BrokenCircuitException
                    && IsTransient(args.Outcome.Exception)
                    && !args.Context.CancellationToken.IsCancellationRequested),
                OnRetry = args =>
                {
                    ResilienceInstruments.Retries.Add(
                        1,
                        new KeyValuePair<string, object?>("dependency", name),
                        new KeyValuePair<string, object?>("reason", RetryReason(args.Outcome.Exception)));
                    return ValueTask.CompletedTask;
                },
            });
        }

        builder.AddCircuitBreaker(CircuitBreakers.Options(
            options.BreakerFailureRatio,
            options.BreakerMinimumThroughput,
            options.BreakerSamplingDuration,
            options.BreakerDuration,
            // A full bulkhead is this process being busy, not the dependency failing.
            (exception, context) => exception is not RateLimiterRejectedException && IsTransient(exception) && !context.CancellationToken.IsCancellationRequested,
            (state, openFor) => _openUntil = state == CircuitBreakers.Open && openFor is { } duration ? _timeProvider.GetUtcNow() + duration : null,
            _breaker));
        builder.AddTimeout(new TimeoutStrategyOptions
        {
            // An attempt made for a request (or a call chain) with a deadline gets only the time left (at least 1 ms,
            // since Polly reads zero as "no timeout"); otherwise the configured attempt timeout.
            TimeoutGenerator = _ => ValueTask.FromResult(TimeSpan.FromTicks(Math.Max(
                TimeSpan.TicksPerMillisecond,
                Interfaces.Deadlines.CallDeadline.Bound(options.AttemptTimeout).Ticks))),
        });
        builder.AddRateLimiter(new RateLimiterStrategyOptions
        {
            // Our own limiter rather than one Polly creates, so Describe can read its slots and queue.
            RateLimiter = args => _bulkhead.AcquireAsync(1, args.Context.CancellationToken),
            OnRejected = _ =>
            {
                Interlocked.Increment(ref _rejected);
                return ValueTask.CompletedTask;
            },
        });
    }

    /// <summary>Its name (<c>Dependencies:{name}</c>).</summary>
    public string Name { get; }

    /// <summary>Its settings.</summary>
    public DependencyOptions Options { get; }

    /// <summary>What people call it.</summary>
    public string DisplayName => Options.DisplayName ?? $"the {Name} service";

    /// <summary>Faults injected now; set to change them at run time.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public DependencyFaults Faults
    {
        get => Volatile.Read(ref _faults);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            Volatile.Write(ref _faults, value);
        }
    }

    /// <summary>Its state now.</summary>
    public DependencyState Describe()
    {
        var statistics = _bulkhead.GetStatistics();
        var breaker = CircuitBreakers.Name(_breaker.CircuitState);
        return new DependencyState(
            Name,
            DisplayName,
            breaker,
            breaker == CircuitBreakers.Open ? _openUntil : null,
            Options.MaxConcurrency - (int)(statistics?.CurrentAvailablePermits ?? Options.MaxConcurrency),
            Options.MaxConcurrency,
            (int)(statistics?.CurrentQueuedCount ?? 0),
            Options.QueueLimit,
            Interlocked.Read(ref _rejected),
            Faults);
    }

    /// <summary>
    /// When calls may go through again while the breaker is open; null when it is not open.
    /// </summary>
    public TimeSpan? BreakerRetryAfter() =>
        _breaker.CircuitState is CircuitState.Open && _openUntil is { } until && until > _timeProvider.GetUtcNow() ? until - _timeProvider.GetUtcNow() : null;

    /// <summary>
    /// Runs <paramref name="call"/> through the pipeline. With an <paramref name="idempotencyKey"/> (which the call
    /// must send on, so the dependency can dedupe) transient failures are retried; without one it runs at most once.
    /// </summary>
    /// <exception cref="BrokenCircuitException">The breaker is open: the dependency is failing repeatedly.</exception>
    /// <exception cref="TimeoutRejectedException">The last attempt did not finish in time.</exception>
    /// <exception cref="DependencyRejectedException">The dependency refused the request; retrying cannot help.</exception>
    /// <exception cref="DependencyBulkheadFullException">Every slot and queue place was taken (also on the last retry).</exception>
    public async Task<T> ExecuteAsync<T>(string? idempotencyKey, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(IdempotencyKey, idempotencyKey);
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (ctx, state) => await state.Self.AttemptAsync(state.Call, ctx.CancellationToken),
                context,
                (Self: this, Call: call));
        }
        catch (RateLimiterRejectedException ex)
        {
            throw new DependencyBulkheadFullException($"Every slot for calls to {DisplayName} is taken ({Options.MaxConcurrency} in flight, {Options.QueueLimit} waiting).", ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _breakerMetric.Dispose();
        _bulkheadMetric.Dispose();
        _bulkhead.Dispose();
    }

    /// <summary>True for failures that may pass: no answer, a timeout, 5xx, 408, 429, or a full bulkhead.</summary>
    public static bool IsTransient(Exception? exception) => exception switch
    {
        null or DependencyRejectedException or OperationCanceledException => false,
        HttpRequestException { StatusCode: { } status } => (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests,
        HttpRequestException or TimeoutRejectedException or RateLimiterRejectedException or DependencyBulkheadFullException or BrokenCircuitException => true,
        IOException => true,
        _ => false,
    };

    private static string RetryReason(Exception? exception) => exception switch
    {
        HttpRequestException { StatusCode: { } status } => $"http-{(int)status}",
        TimeoutRejectedException => "timeout",
        RateLimiterRejectedException => "bulkhead-full",
        HttpRequestException or IOException => "unreachable",
        _ => "other",
    };

    /// <summary>The error in words an operator can act on.</summary>
    public static string Describe(Exception exception) => ConsumerPipeline.Describe(exception);

    private async Task<T> AttemptAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var faults = Faults;
        if (faults.Outage)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"{DisplayName} could not be reached (injected outage).");
        }

        if (faults.Latency > TimeSpan.Zero)
        {
            await Task.Delay(faults.Latency, _timeProvider, cancellationToken);
        }

#pragma warning disable CA5394 // Fault injection needs a fair coin, not a secure one.
        if (faults.ErrorRate > 0 && Random.Shared.NextDouble() < faults.ErrorRate)
#pragma warning restore CA5394
        {
            throw new HttpRequestException($"{DisplayName} failed (injected error).", null, HttpStatusCode.ServiceUnavailable);
        }

        return await call(cancellationToken);
    }
}
