namespace OrleansConsistency.Api;

/// <summary>The HTTP API's settings, bound from the configuration section <c>Api</c>.</summary>
internal sealed class ApiOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Api";

    /// <summary>
    /// The largest intent body accepted, in bytes (default 1 MiB). The API reads bodies itself against this limit, so
    /// a huge upload is refused with 413 before it costs memory or reaches a grain.
    /// </summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The deadline given to each grain call made for a request (default 10 s). It travels with the call, so a grain
    /// that cannot answer in time does not hold the HTTP request open for the silo's longer default.
    /// </summary>
    public TimeSpan GrainCallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The <c>Retry-After</c> (seconds) sent with 503 answers: long enough for a storage hiccup to pass.</summary>
    public int RetryAfterSeconds { get; set; } = 2;
}
