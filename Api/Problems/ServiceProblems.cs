using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OrleansConsistency.Runtime.Storage;

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
        StorageUnavailableException => Unavailable(
            context,
            ProblemTypes.StorageUnavailable,
            "We could not reach storage, so nothing was changed. Try again shortly with the same Idempotency-Key.",
            idempotencyKey),
        TimeoutException or CommitOutcomeUnknownException => Unavailable(
            context,
            ProblemTypes.OutcomeUnknown,
            "We could not confirm in time whether your change was applied; it may have been. Send the same request again with the same Idempotency-Key to learn the outcome: it will not be applied twice.",
            idempotencyKey),
        _ => null,
    };

    /// <summary>Maps a failed read; null when the exception is not about availability.</summary>
    public static ProblemHttpResult? ForRead(HttpContext context, Exception exception) => exception switch
    {
        StorageUnavailableException => Unavailable(
            context,
            ProblemTypes.StorageUnavailable,
            "We could not reach storage to read this. Try again shortly.",
            idempotencyKey: null),
        TimeoutException => Unavailable(
            context,
            ProblemTypes.Timeout,
            "Reading this took too long. Nothing was changed; try again shortly.",
            idempotencyKey: null),
        _ => null,
    };

    private static ProblemHttpResult Unavailable(HttpContext context, ProblemType problemType, string detail, string? idempotencyKey)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value;
        context.Response.Headers.RetryAfter = options.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ApiProblems.Create(
            context,
            problemType,
            detail,
            idempotencyKey is null ? null : [new("idempotencyKey", idempotencyKey)]);
    }
}
