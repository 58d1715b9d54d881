using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansConsistency.Api.Intents;
using OrleansConsistency.Api.Problems;
using OrleansConsistency.Grains.Telemetry;

namespace OrleansConsistency.Api.Telemetry;

/// <summary>
/// Counts every POST of an intent by its answer: one place that sees every way the endpoint can answer, so the
/// endpoint itself stays about intents.
/// </summary>
internal sealed class IntentTelemetryFilter(TimeProvider time) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var started = time.GetTimestamp();
        var result = await next(context).ConfigureAwait(false);
        var http = context.HttpContext;
        var routeType = http.GetRouteValue("type")?.ToString();
        var answer = result is INestedHttpResult nested ? nested.Result : result;
        var refused = answer is ProblemHttpResult;
        var type = new KeyValuePair<string, object?>(
            "type",
            refused || routeType is null ? ResourceTypeTag.Of(routeType) : ResourceTypeTag.Accepted(routeType));
        string outcome;
        if (answer is ProblemHttpResult problem)
        {
            outcome = "refused";
            var reason = problem.ProblemDetails.Type is { } uri && uri.StartsWith(ProblemType.Prefix, StringComparison.Ordinal)
                ? uri[ProblemType.Prefix.Length..]
                : problem.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            IntentInstruments.Refused.Add(1, type, new KeyValuePair<string, object?>("reason", reason));
            FailureLog.Record(new RecentFailure(
                time.GetUtcNow(),
                "api",
                $"{routeType}/{http.GetRouteValue("id")}",
                reason,
                problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title ?? reason));
        }
        else
        {
            outcome = "accepted";
            IntentInstruments.Accepted.Add(1, type);
        }

        if (http.Response.Headers[IntentsApi.ReplayedHeader] == "true")
        {
            IntentInstruments.Replays.Add(1, type);
        }

        Activity.Current?.SetTag("oc.intent.outcome", outcome);
        IntentInstruments.AcceptDuration.Record(time.GetElapsedTime(started).TotalSeconds, type, new KeyValuePair<string, object?>("outcome", outcome));
        return result;
    }
}
