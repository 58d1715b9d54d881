using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OrleansConsistency.Grains.Interfaces.Deadlines;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Api.Problems;

/// <summary>
/// Turns the failures of a grain call that are about availability, not about the request, into 503 answers with
/// <c>Retry-After</c>. A change whose outcome is unknown is never reported as a failure: the client retries with the
/// same key and learns what happened.
/// </summary>
internal static class ServiceProblems
{
    /// <summary>Maps a failed change (an intent submission); null when the exception is not about availability.</summary>
    public static ProblemHttpResult? ForChange(HttpContext context, Exception exception, string idempotencyKey) => exception switch
    {
        StorageUnavailableException unavailable => StorageDown(context, unavailable.RetryAfter, idempotencyKey),
        LimitExceededException => Unavailable(
            context,
            ProblemTypes.ResourceBusy,
            "This resource has too many changes waiting to be applied, so this one was not queued: nothing was changed. Try again after Retry-After with the same Idempotency-Key.",
            idempotencyKey),
        DeadlineExceededException { Started: false } => Unavailable(
            context,
            ProblemTypes.DeadlineExceeded,
            $"The request's deadline ({DeadlineText(context)}) ran out before the change was started (the resource was busy with earlier changes, or still loading). Nothing was changed, and it will not be applied later. Send it again, with more time or later; the same Idempotency-Key is fine.",
            idempotencyKey,
            extraExtensions: [new("started", false)]),
        GatewayTooBusyException => Unavailable(
            context,
            ProblemTypes.Overloaded,
            "The service is too busy to take this change now, so it was not sent on: nothing was changed. Try again after Retry-After with the same Idempotency-Key.",
            idempotencyKey),

        // A silo died or could not be reached mid-call: the change may have been applied before it went.
        TimeoutException or DeadlineExceededException or CommitOutcomeUnknownException or OrleansMessageRejectionException or ConnectionFailedException or ClientNotAvailableException => Unavailable(
            context,
            ProblemTypes.OutcomeUnknown,
            "We could not confirm in time whether your change was applied; it may have been. Send the same request again with the same Idempotency-Key to learn the outcome: it will not be applied twice.",
            idempotencyKey),
        _ => null,
    };

    /// <summary>Maps a failed read; null when the exception is not about availability.</summary>
    public static ProblemHttpResult? ForRead(HttpContext context, Exception exception) => exception switch
    {
        LimitExceededException => Unavailable(
            context,
            ProblemTypes.ResourceBusy,
            "This resource is too busy to answer now, and no earlier copy of it could be shown. Try again after Retry-After.",
            idempotencyKey: null),
        StorageUnavailableException => Unavailable(
            context,
            ProblemTypes.StorageUnavailable,
            "We could not reach storage to read this. Try again shortly.",
            idempotencyKey: null),
        TimeoutException or DeadlineExceededException or OrleansMessageRejectionException or ConnectionFailedException or ClientNotAvailableException or GatewayTooBusyException => Unavailable(
            context,
            ProblemTypes.Timeout,
            "Reading this took too long. Nothing was changed; try again shortly.",
            idempotencyKey: null),
        _ => null,
    };

    /// <summary>
    /// The answer to a change while the database is unreachable: 503 at once, with the breaker's own
    /// <c>Retry-After</c> when it refused the write without trying. Never accepted without durability.
    /// </summary>
    public static ProblemHttpResult StorageDown(HttpContext context, TimeSpan? retryAfter, string idempotencyKey) => Unavailable(
        context,
        ProblemTypes.StorageUnavailable,
        "We could not reach storage, so nothing was changed. Try again after Retry-After with the same Idempotency-Key.",
        idempotencyKey,
        retryAfter);

    /// <summary>An event stream refused because <see cref="ApiOptions.MaxOpenEventStreams"/> (or the tenant's share) are open; <paramref name="who"/> says whose, e.g. "This server already keeps".</summary>
    public static ProblemHttpResult TooManyStreams(HttpContext context, int limit, string who) => Unavailable(
        context,
        ProblemTypes.TooManyStreams,
        $"{who} {limit} event streams open, so this one was not started. Try again after Retry-After; resume with Last-Event-ID and nothing is missed.",
        idempotencyKey: null);

    private static string DeadlineText(HttpContext context) =>
        Deadlines.RequestDeadline.Of(context) is { } deadline
            ? deadline.FromHeader ? $"{Deadlines.RequestDeadline.Header}: {deadline.BudgetMilliseconds} ms" : $"the default of {deadline.BudgetMilliseconds} ms"
            : "its time";

    private static ProblemHttpResult Unavailable(
        HttpContext context,
        ProblemType problemType,
        string detail,
        string? idempotencyKey,
        TimeSpan? retryAfter = null,
        KeyValuePair<string, object?>[]? extraExtensions = null)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value;
        var seconds = retryAfter is { } after ? (int)Math.Clamp(Math.Ceiling(after.TotalSeconds), 1, 3600) : options.RetryAfterSeconds;
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var extensions = new List<KeyValuePair<string, object?>>(extraExtensions ?? []);
        if (idempotencyKey is not null)
        {
            extensions.Add(new("idempotencyKey", idempotencyKey));
        }

        return ApiProblems.Create(context, problemType, detail, extensions);
    }
}
