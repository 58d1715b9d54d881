using OrleansConsistency.Grains.Dependencies;
using OrleansConsistency.Grains.Interfaces.Consumers;
using OrleansConsistency.Grains.Resilience;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Retry;
using Polly.Timeout;

namespace OrleansConsistency.Grains.Consumers;

/// <summary>
/// Builds a consumer's Polly v8 pipeline: retry (exponential backoff with jitter, capped; it waits out an open
/// breaker instead of hammering it) around one circuit breaker shared by all of the consumer's resources, around a
/// per-attempt timeout. Giving up is decided here: a poison event, too many attempts, or failing for too long. It is
/// named <c>consumer:{name}</c> in the silo's Polly registry (Polly.Extensions), so Polly's logs and metrics name it.
/// </summary>
internal static class ConsumerPipeline
{
    /// <summary>Set on each execution: the attempt log of the event being handled.</summary>
    public static readonly ResiliencePropertyKey<DeliveryAttempts> Attempts = new("consumer-attempts");

    public static ResiliencePipeline Build(
        ResiliencePipelineRegistry<string> pipelines,
        string name,
        ConsumerOptions options,
        TimeProvider timeProvider,
        Action<string> onBreakerChanged,
        Func<DeliveryAttempts, Exception, TimeSpan, ValueTask> onRetry) =>
        OwnedPipelines.Add(pipelines, $"consumer:{name}", builder => Configure(builder, options, timeProvider, onBreakerChanged, onRetry));

    private static void Configure(ResiliencePipelineBuilder builder, ConsumerOptions options, TimeProvider timeProvider, Action<string> onBreakerChanged, Func<DeliveryAttempts, Exception, TimeSpan, ValueTask> onRetry)
    {
        builder.TimeProvider = timeProvider;
        builder.AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryDelay,
            MaxDelay = options.MaxRetryDelay,
            ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome.Exception, args.Context, options, timeProvider)),
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(args.Outcome.Exception switch
            {
                BrokenCircuitException { RetryAfter: { } breakerOpenFor } => breakerOpenFor + options.RetryDelay,
                DependencyWaitException { RetryAfter: { } dependencyBack } => dependencyBack + options.RetryDelay,
                _ => null,
            }),
            OnRetry = args => onRetry(args.Context.Properties.GetValue(Attempts, null!), args.Outcome.Exception!, args.RetryDelay),
        });
        builder.AddCircuitBreaker(CircuitBreakers.Options(
            options.BreakerFailureRatio,
            options.BreakerMinimumThroughput,
            options.BreakerSamplingDuration,
            options.BreakerDuration,
            // Waiting for a dependency is not the consumer failing: the dependency's own breaker counts that, so one
            // dead dependency does not also pause the consumer's work that does not need it.
            (exception, context) => exception is not null and not PoisonEventException and not DependencyWaitException && !context.CancellationToken.IsCancellationRequested,
            (state, _) => onBreakerChanged(state)));
        builder.AddTimeout(new TimeoutStrategyOptions
        {
            // An attempt made inside a call chain with a deadline gets only the time left (at least 1 ms, since Polly
            // reads zero as "no timeout"); outside one, the configured attempt timeout.
            TimeoutGenerator = _ => ValueTask.FromResult(TimeSpan.FromTicks(Math.Max(
                TimeSpan.TicksPerMillisecond,
                Interfaces.Deadlines.CallDeadline.Bound(options.AttemptTimeout).Ticks))),
        });
    }

    private static bool ShouldRetry(Exception? exception, ResilienceContext context, ConsumerOptions options, TimeProvider timeProvider)
    {
        if (exception is null or PoisonEventException || context.CancellationToken.IsCancellationRequested)
        {
            return false;
        }

        var attempts = context.Properties.GetValue(Attempts, null!);
        attempts.FirstFailureAt ??= timeProvider.GetUtcNow();
        attempts.LastError = Describe(exception);
        var tooMany = options.MaxAttempts > 0 && attempts.Count >= options.MaxAttempts;
        var tooLong = timeProvider.GetUtcNow() - attempts.FirstFailureAt >= options.GiveUpAfter;
        return !tooMany && !tooLong;
    }

    /// <summary>An error in words an operator can act on.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        BrokenCircuitException => "it is failing repeatedly, so calls to it are paused for a moment",
        DependencyBulkheadFullException => "it is busy: every slot for calls to it is taken",
        TimeoutRejectedException => "it did not answer in time",
        HttpRequestException { StatusCode: { } status } => $"it answered {(int)status} {status}",
        HttpRequestException => "it could not be reached",
        _ => exception.Message,
    };

    /// <summary>A short, bounded code for the error, fit for a metric tag (the words of <see cref="Describe"/> are not).</summary>
    public static string ReasonCode(Exception exception) => exception switch
    {
        BrokenCircuitException => "breaker-open",
        TimeoutRejectedException => "timeout",
        HttpRequestException { StatusCode: { } status } => $"http-{(int)status}",
        HttpRequestException => "unreachable",
        _ => "error",
    };
}
