namespace OrleansConsistency.Grains.Consumers;

/// <summary>Settings of one consumer, under <c>Consumers:{name}</c>.</summary>
public sealed class ConsumerOptions
{
    /// <summary>
    /// True for a process manager (the <c>checkout</c> saga): its work is the intent's outcome, not an update of
    /// something else, so the message it gives up with is shown as the intent's message, in full.
    /// </summary>
    public bool IsProcessManager => Kind == "checkout";

    /// <summary>What it is: <c>read-model</c>, <c>webhook</c>, <c>checkout</c>, or <c>in-process</c> (an <c>IResourceConsumer</c> registered by the application).</summary>
    public string Kind { get; set; } = "in-process";

    /// <summary>What people call it in status messages ("Updating the order history…"); no jargon.</summary>
    public string? DisplayName { get; set; }

    /// <summary>The resource types it consumes; empty means all.</summary>
    public IList<string> Types { get; init; } = [];

    /// <summary>False to configure a consumer without running it in this silo.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long one attempt may take.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The first retry delay; it doubles (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest delay between retries.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts of one event before giving up on it; 0 means never give up because of attempts alone.</summary>
    public int MaxAttempts { get; set; }

    /// <summary>Give up on an event once the consumer has been failing it for this long (its breaker keeps opening).</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The breaker opens when at least this share of attempts failed within <see cref="BreakerSamplingDuration"/>.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Attempts needed in the sampling window before the breaker may open.</summary>
    public int BreakerMinimumThroughput { get; set; } = 10;

    /// <summary>The window over which failures are counted.</summary>
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the breaker stays open before it lets one attempt through.</summary>
    public TimeSpan BreakerDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many resources it handles at once (its bulkhead).</summary>
    public int Concurrency { get; set; } = 16;

    /// <summary>For <c>webhook</c>: where events are POSTed.</summary>
    public Uri? Url { get; set; }

    /// <summary>For <c>webhook</c>: the HMAC-SHA256 secret the signature is made with.</summary>
    public string? Secret { get; set; }

    /// <summary>
    /// For <c>webhook</c>, while rotating: the secret being replaced. Until <see cref="PreviousSecretExpiresAt"/> each
    /// delivery is signed with both, so receivers can switch to <see cref="Secret"/> at their own pace.
    /// </summary>
    public string? PreviousSecret { get; set; }

    /// <summary>For <c>webhook</c>: when deliveries stop carrying the <see cref="PreviousSecret"/> signature; required with it.</summary>
    public DateTimeOffset? PreviousSecretExpiresAt { get; set; }

    /// <summary>Throws when a setting is out of the range the pipeline accepts, naming the setting.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public void Validate(string name)
    {
        var problems = new List<string>();
        void Check(bool ok, string setting, string rule)
        {
            if (!ok)
            {
                problems.Add($"Consumers:{name}:{setting} {rule}.");
            }
        }

        Check(AttemptTimeout >= TimeSpan.FromMilliseconds(10) && AttemptTimeout <= TimeSpan.FromHours(24), nameof(AttemptTimeout), "must be between 10 ms and 24 h");
        Check(RetryDelay > TimeSpan.Zero && MaxRetryDelay >= RetryDelay, nameof(RetryDelay), "must be positive and not above MaxRetryDelay");
        Check(MaxAttempts >= 0, nameof(MaxAttempts), "must be 0 (no limit) or more");
        Check(GiveUpAfter > TimeSpan.Zero, nameof(GiveUpAfter), "must be positive");
        Check(BreakerFailureRatio is > 0 and <= 1, nameof(BreakerFailureRatio), "must be above 0 and at most 1");
        Check(BreakerMinimumThroughput >= 2, nameof(BreakerMinimumThroughput), "must be at least 2");
        Check(BreakerSamplingDuration >= TimeSpan.FromMilliseconds(500), nameof(BreakerSamplingDuration), "must be at least 0.5 s");
        Check(BreakerDuration >= TimeSpan.FromMilliseconds(500), nameof(BreakerDuration), "must be at least 0.5 s");
        Check(Concurrency >= 1, nameof(Concurrency), "must be at least 1");
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems));
        }
    }

    /// <summary>
    /// The name people see: <see cref="DisplayName"/>, else a plain name for the built-in kinds, else the consumer's
    /// name in words (<c>order-history</c> is "order history").
    /// </summary>
    public string DisplayNameFor(string name) => DisplayName ?? Kind switch
    {
        "read-model" => "search and lists",
        "webhook" => "connected apps",
        "checkout" => "the checkout",
        _ => name.Replace('-', ' ').Replace('_', ' ').Replace('.', ' '),
    };
}
