using Orleans;

namespace OrleansConsistency.Grains.Interfaces.Consumers;

/// <summary>
/// A consumer's report that it is struggling with (or gave up on) a version of a resource, so the intent's status
/// can say which stage is holding it, how many attempts it took, and when it tries again.
/// </summary>
/// <param name="Consumer">The consumer's name.</param>
/// <param name="Version">The version it is stuck on.</param>
/// <param name="Attempts">Attempts so far.</param>
/// <param name="LastError">The last error, in words for an operator.</param>
/// <param name="NextAttemptAt">When it tries again; null when it gave up.</param>
/// <param name="GaveUp">True when it gave up on this version (poison event, or its breaker stayed open too long).</param>
/// <param name="Paused">True when nothing failed but an operator paused the consumer: it goes on when resumed.</param>
[GenerateSerializer]
[Immutable]
[Alias("oc.ConsumerTrouble")]
public sealed record ConsumerTrouble(
    [property: Id(0)] string Consumer,
    [property: Id(1)] long Version,
    [property: Id(2)] int Attempts,
    [property: Id(3)] string LastError,
    [property: Id(4)] DateTimeOffset? NextAttemptAt,
    [property: Id(5)] bool GaveUp,
    [property: Id(6)] bool Paused = false);
