namespace OrleansConsistency.Api.Consumers;

/// <summary>The body of a consumer retry: how many versions the consumer gave up on were queued again.</summary>
/// <param name="Retried">The number of versions queued again; 0 when the consumer had given up on none.</param>
internal sealed record ConsumerRetryResponse(int Retried);
