namespace OrleansConsistency.Grains.Dependencies;

/// <summary>Settings of one external dependency (a payment service, a mailer), under <c>Dependencies:{name}</c>.</summary>
public sealed class DependencyOptions
{
    /// <summary>Where it is served; HTTP calls are made relative to it.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>What people call it in status messages ("the payment service").</summary>
    public string? DisplayName { get; set; }

    /// <summary>How long one attempt may take, including the wait for a free slot.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Retries of one call after the first attempt; only calls with an idempotency key are retried.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first retry delay; it doubles (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest delay between retries.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The breaker opens when at least this share of attempts failed within <see cref="BreakerSamplingDuration"/>.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Attempts needed in the sampling window before the breaker may open.</summary>
    public int BreakerMinimumThroughput { get; set; } = 10;

    /// <summary>The window over which failures are counted.</summary>
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the breaker stays open before it lets one attempt through.</summary>
    public TimeSpan BreakerDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Calls in flight at once (the bulkhead): a slow dependency can hold only these slots.</summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>Calls that may wait for a slot; past it a call is refused at once (and retried later).</summary>
    public int QueueLimit { get; set; } = 32;

    /// <summary>Faults injected from the start (tests and demos); change them at run time through the admin endpoint.</summary>
    public DependencyFaults Faults { get; set; } = new();

    /// <summary>Throws when a setting is out of the range the pipeline accepts, naming the setting.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public void Validate(string name)
    {
        var problems = new List<string>();
        void Check(bool ok, string setting, string rule)
        {
            if (!ok)
            {
                problems.Add($"Dependencies:{name}:{setting} {rule}.");
            }
        }

        Check(BaseUrl is null || (BaseUrl.IsAbsoluteUri && BaseUrl.Scheme is "http" or "https"), nameof(BaseUrl), "must be an absolute http(s) URL");
        Check(AttemptTimeout >= TimeSpan.FromMilliseconds(10) && AttemptTimeout <= TimeSpan.FromHours(24), nameof(AttemptTimeout), "must be between 10 ms and 24 h");
        Check(MaxRetryAttempts is >= 0 and <= 100, nameof(MaxRetryAttempts), "must be between 0 and 100");
        Check(RetryDelay > TimeSpan.Zero && MaxRetryDelay >= RetryDelay, nameof(RetryDelay), "must be positive and not above MaxRetryDelay");
        Check(BreakerFailureRatio is > 0 and <= 1, nameof(BreakerFailureRatio), "must be above 0 and at most 1");
        Check(BreakerMinimumThroughput >= 2, nameof(BreakerMinimumThroughput), "must be at least 2");
        Check(BreakerSamplingDuration >= TimeSpan.FromMilliseconds(500), nameof(BreakerSamplingDuration), "must be at least 0.5 s");
        Check(BreakerDuration >= TimeSpan.FromMilliseconds(500), nameof(BreakerDuration), "must be at least 0.5 s");
        Check(MaxConcurrency >= 1, nameof(MaxConcurrency), "must be at least 1");
        Check(QueueLimit >= 0, nameof(QueueLimit), "must be 0 or more");
        try
        {
            Faults.Validate();
        }
        catch (ArgumentException ex)
        {
            problems.Add($"Dependencies:{name}:Faults: {ex.Message}");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems));
        }
    }
}
