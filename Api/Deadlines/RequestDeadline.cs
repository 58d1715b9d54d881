namespace OrleansConsistency.Api.Deadlines;

/// <summary>
/// A request's deadline: from its <c>Request-Timeout</c> header, or the endpoint's default. Set by
/// <see cref="RequestDeadlineFilter"/>, which also makes it the deadline of every grain call the request makes.
/// </summary>
/// <param name="Deadline">When the request must be answered.</param>
/// <param name="Budget">The time it was given.</param>
/// <param name="FromHeader">True when the client asked for it with <c>Request-Timeout</c>.</param>
internal sealed record RequestDeadline(DateTimeOffset Deadline, TimeSpan Budget, bool FromHeader)
{
    /// <summary>The header a client sets its deadline with: a whole number of milliseconds.</summary>
    public const string Header = "Request-Timeout";

    /// <summary>The deadline of this request, or null outside a request that has one (event streams).</summary>
    public static RequestDeadline? Of(HttpContext context) => context.Features.Get<RequestDeadline>();

    /// <summary>
    /// The deadline for the request's main grain call: the request's, less a reserve to compose the answer with
    /// (<see cref="ApiOptions.DeadlineReserve"/>, at most a quarter of the budget).
    /// </summary>
    public DateTimeOffset ForGrainCall(ApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var quarter = Budget / 4;
        return Deadline - (options.DeadlineReserve < quarter ? options.DeadlineReserve : quarter);
    }

    /// <summary>The time left (never negative).</summary>
    public TimeSpan TimeLeft(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var left = Deadline - time.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>The budget in whole milliseconds, as people read it in problems.</summary>
    public long BudgetMilliseconds => (long)Budget.TotalMilliseconds;
}
