using OrleansConsistency.Api.Access;
using OrleansConsistency.Api.Limits;
using OrleansConsistency.Api.LoadShedding;

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

    /// <summary>
    /// Default request deadlines by endpoint name (<c>SubmitIntent</c>, <c>GetIntentStatus</c>, <c>GetResource</c>,
    /// <c>ListResources</c>), used when a request sends no <c>Request-Timeout</c> header; an
    /// endpoint not listed gets <see cref="GrainCallTimeout"/>.
    /// </summary>
    public IDictionary<string, TimeSpan> RequestTimeouts { get; } = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);

    /// <summary>
    /// The longest deadline a <c>Request-Timeout</c> header may ask for (default 60 s); longer ones are capped, so a
    /// client cannot make the server hold work for it indefinitely.
    /// </summary>
    public TimeSpan MaxRequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The part of a request's time kept back from its grain call to compose the answer (default 50 ms, at most a
    /// quarter of the request's time): what lets a request whose grain call ran out of time still answer within its
    /// deadline, with the intent's status or a fallback read.
    /// </summary>
    public TimeSpan DeadlineReserve { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Who may call the API: keys, JWTs, or (tests and local demos only) nobody checked.</summary>
    public AuthOptions Auth { get; set; } = new();

    /// <summary>The global concurrency limit: past it requests are shed with 503 and <c>Retry-After</c>.</summary>
    public LoadSheddingOptions LoadShedding { get; set; } = new();

    /// <summary>Rates per tenant and per key, and open event streams per tenant (<c>Api:Limits</c>).</summary>
    public LimitsOptions Limits { get; set; } = new();

    /// <summary>The <c>Retry-After</c> (seconds) sent with 503 answers: long enough for a storage hiccup to pass.</summary>
    public int RetryAfterSeconds { get; set; } = 2;

    /// <summary>
    /// How long a <c>read-your-writes</c> read waits for the read model to reach the asked version before it answers from
    /// the resource itself (default 2 s): long enough for a healthy projection, short enough that a stuck one costs
    /// the caller little.
    /// </summary>
    public TimeSpan ReadYourWritesWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The longest <c>Prefer: wait</c> honoured (default 30 s); longer waits are capped, so a client cannot hold
    /// requests open for minutes.
    /// </summary>
    public TimeSpan MaxPreferWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often an idle event stream sends a comment (default 15 s), so proxies that close quiet connections keep it
    /// open and a dead client is noticed.
    /// </summary>
    public TimeSpan EventsHeartbeat { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How many events an event stream may hold for a slow client (default 1024). Past it the stream ends and the client
    /// resumes with Last-Event-ID, rather than the server growing memory without bound or dropping events.
    /// </summary>
    public int EventsBufferSize { get; set; } = 1024;

    /// <summary>
    /// How many event streams (Server-Sent Events) this process keeps open at once (default 1000). Streams are exempt
    /// from the request concurrency limit because they stay open; this bounds the connections, buffers and
    /// subscriptions they hold. One more is refused with <c>429 too-many-streams</c> and <c>Retry-After</c>.
    /// </summary>
    public int MaxOpenEventStreams { get; set; } = 1000;

    /// <summary>
    /// How often the operator page's trends are sampled (default 5 s; 180 samples make its 15 minutes).
    /// </summary>
    public TimeSpan TrendInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// True maps <c>/admin/faults</c>, which injects latency, errors and outages into dependencies and storage (tests
    /// and demos). Off by default: nobody should be able to break a production system over HTTP.
    /// </summary>
    public bool FaultInjection { get; set; }
}
