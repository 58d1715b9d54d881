namespace OrleansConsistency.Storage;

/// <summary>
/// A circuit breaker on the database, fed by the write path. After <see cref="StorageOptions.BreakerFailureThreshold"/>
/// storage transactions in a row failed for want of the database, writes are refused at once for
/// <see cref="StorageOptions.BreakerDuration"/> (callers learn it without waiting for a connection timeout, and the
/// database is not hammered while it recovers); then one write is let through as a probe, and its outcome closes or
/// reopens the breaker. A refused write is never accepted without durability: it fails with
/// <see cref="StorageUnavailableException"/> and nothing is written. Thread-safe.
/// </summary>
public sealed class StorageHealth
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly int _threshold;
    private readonly TimeSpan _breakDuration;
    private int _consecutiveFailures;
    private DateTimeOffset? _openUntil;
    private bool _probing;
    private DateTimeOffset? _unavailableSince;
    private string? _lastError;

    /// <summary>Creates a breaker with the storage options' threshold and duration.</summary>
    public StorageHealth(StorageOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        _threshold = options.BreakerFailureThreshold;
        _breakDuration = options.BreakerDuration;
    }

    /// <summary>False while the breaker is open: writes are refused at once.</summary>
    public bool IsAvailable => RetryAfter is null;

    /// <summary>While the breaker is open, how long until the next probe may go through; null when writes are let through.</summary>
    public TimeSpan? RetryAfter
    {
        get
        {
            lock (_gate)
            {
                var now = _time.GetUtcNow();
                if (_openUntil is { } until && until > now)
                {
                    return until - now;
                }

                // A probe is on its way: the others wait for its verdict rather than pile onto a database that may be down.
                return _probing ? _breakDuration : null;
            }
        }
    }

    /// <summary>"closed", "open" or "half-open", for health pages and logs.</summary>
    public string State
    {
        get
        {
            lock (_gate)
            {
                return _openUntil is null ? "closed" : _openUntil > _time.GetUtcNow() && !_probing ? "open" : "half-open";
            }
        }
    }

    /// <summary>Since when writes have been failing for want of the database; null while it answers.</summary>
    public DateTimeOffset? UnavailableSince
    {
        get
        {
            lock (_gate)
            {
                return _unavailableSince;
            }
        }
    }

    /// <summary>The last failure that counted against the database, in words; null while it answers.</summary>
    public string? LastError
    {
        get
        {
            lock (_gate)
            {
                return _lastError;
            }
        }
    }

    /// <summary>
    /// Asks to start a write: null to go ahead (perhaps as the probe), or the exception to fail it with at once.
    /// </summary>
    internal StorageUnavailableException? TryEnter()
    {
        lock (_gate)
        {
            if (_openUntil is not { } until)
            {
                return null;
            }

            var now = _time.GetUtcNow();
            if (until > now)
            {
                return Refusal(until - now);
            }

            if (_probing)
            {
                return Refusal(_breakDuration);
            }

            _probing = true;
            return null;
        }
    }

    /// <summary>A storage transaction committed: the database answers.</summary>
    internal void RecordSuccess()
    {
        lock (_gate)
        {
            _consecutiveFailures = 0;
            _openUntil = null;
            _probing = false;
            _unavailableSince = null;
            _lastError = null;
        }
    }

    /// <summary>A storage transaction failed for want of the database (not because of what it wrote).</summary>
    internal void RecordFailure(Exception exception)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            _consecutiveFailures++;
            _unavailableSince ??= now;
            _lastError = exception.Message;
            if (_threshold > 0 && (_probing || _consecutiveFailures >= _threshold))
            {
                _openUntil = now + _breakDuration;
            }

            _probing = false;
        }
    }

    private StorageUnavailableException Refusal(TimeSpan retryAfter) =>
        new($"Storage is unavailable (writes failing since {_unavailableSince:O}: {_lastError}); the write was refused without trying, and nothing was written.")
        {
            RetryAfter = retryAfter,
        };
}
