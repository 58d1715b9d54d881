namespace OrleansConsistency.Storage;

/// <summary>A version a consumer gave up on (table <c>consumer_failures</c>), kept until an operator retries it successfully.</summary>
/// <param name="Consumer">The consumer's name.</param>
/// <param name="ResourceId">The resource (grain key <c>{type}/{id}</c>).</param>
/// <param name="Version">The version it gave up on.</param>
/// <param name="Reason">Why, in words for an operator.</param>
/// <param name="Attempts">How many attempts it made.</param>
/// <param name="FailedAt">When it gave up.</param>
public sealed record ConsumerFailure(string Consumer, string ResourceId, long Version, string Reason, int Attempts, DateTimeOffset FailedAt);
