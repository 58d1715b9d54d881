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
public sealed record ConsumerTrouble(string Consumer, long Version, int Attempts, string LastError, DateTimeOffset? NextAttemptAt, bool GaveUp);
