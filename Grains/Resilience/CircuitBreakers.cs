using Polly;
using Polly.CircuitBreaker;

namespace OrleansConsistency.Grains.Resilience;

/// <summary>
/// The circuit breaker settings shared by consumers and dependencies, so both open, half-open and close the same
/// way and report their state with the same words.
/// </summary>
internal static class CircuitBreakers
{
    public const string Closed = "closed";

    public const string Open = "open";

    public const string HalfOpen = "half-open";

    public static CircuitBreakerStrategyOptions Options(
        double failureRatio,
        int minimumThroughput,
        TimeSpan samplingDuration,
        TimeSpan breakDuration,
        Func<Exception?, ResilienceContext, bool> shouldHandle,
        Action<string, TimeSpan?> onChanged,
        CircuitBreakerStateProvider? stateProvider = null) => new()
        {
            FailureRatio = failureRatio,
            MinimumThroughput = minimumThroughput,
            SamplingDuration = samplingDuration,
            BreakDuration = breakDuration,
            StateProvider = stateProvider,
            ShouldHandle = args => ValueTask.FromResult(shouldHandle(args.Outcome.Exception, args.Context)),
            OnOpened = args => { onChanged(Open, args.BreakDuration); return ValueTask.CompletedTask; },
            OnHalfOpened = _ => { onChanged(HalfOpen, null); return ValueTask.CompletedTask; },
            OnClosed = _ => { onChanged(Closed, null); return ValueTask.CompletedTask; },
        };

    public static string Name(CircuitState state) => state switch
    {
        CircuitState.Open or CircuitState.Isolated => Open,
        CircuitState.HalfOpen => HalfOpen,
        _ => Closed,
    };
}
