namespace OrleansConsistency.Api.LoadShedding;

/// <summary>The API's global concurrency limit, under <c>Api:LoadShedding</c>.</summary>
internal sealed class LoadSheddingOptions
{
    /// <summary>
    /// Requests served at once (default 512). Past it (and past <see cref="QueueLimit"/>) a request is answered 503
    /// <c>overloaded</c> with <c>Retry-After</c> at once instead of waiting in an unbounded queue. Event streams and
    /// health checks are not counted: they are long-lived or must always answer.
    /// </summary>
    public int MaxConcurrentRequests { get; set; } = 512;

    /// <summary>Requests that may wait for a slot, oldest first (default 256); 0 sheds at once.</summary>
    public int QueueLimit { get; set; } = 256;

    /// <summary>The <c>Retry-After</c> (seconds) of a shed request (default 1).</summary>
    public int RetryAfterSeconds { get; set; } = 1;
}
