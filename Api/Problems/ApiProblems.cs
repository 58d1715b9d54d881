using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OrleansConsistency.Api.Correlation;

namespace OrleansConsistency.Api.Problems;

/// <summary>Builds the API's RFC 9457 problem details, so every problem carries the same members.</summary>
internal static class ApiProblems
{
    /// <summary>A problem answer of the given type, with a plain-words detail and optional extension members.</summary>
    public static ProblemHttpResult Create(
        HttpContext context,
        ProblemType problemType,
        string detail,
        IEnumerable<KeyValuePair<string, object?>>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(problemType);
        var problem = new ProblemDetails
        {
            Type = problemType.Type,
            Title = problemType.Title,
            Status = problemType.Status,
            Detail = detail,
            Instance = context.Request.Path,
        };

        foreach (var (name, value) in extensions ?? [])
        {
            problem.Extensions[name] = value;
        }

        AddTraceMembers(context, problem);
        return TypedResults.Problem(problem);
    }

    /// <summary>
    /// Completes problems the framework writes itself (routing 404/405, the exception handler's 500, status code
    /// pages): a stable type instead of the RFC's generic link, and the ids a person quotes when asking for help.
    /// </summary>
    public static void Customize(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        var isOurs = problem.Type?.StartsWith(ProblemType.Prefix, StringComparison.Ordinal) == true;
        if (!isOurs && ProblemTypes.ForStatus(status) is { } known)
        {
            problem.Type = known.Type;
            problem.Title = known.Title;
            problem.Detail = status switch
            {
                StatusCodes.Status404NotFound => $"Nothing answers at {Shortened(context.HttpContext.Request.Path)}. The API's paths start with /v1/resources.",
                StatusCodes.Status405MethodNotAllowed => $"{Shortened(context.HttpContext.Request.Method)} is not supported at {Shortened(context.HttpContext.Request.Path)}.",

                // Never the exception's message or stack: they can leak internals. The ids below find it in the logs.
                _ => "The request failed because of a fault on our side. If you retry a change, reuse its Idempotency-Key: it will not be applied twice. Quote the correlation id if you report this.",
            };
        }

        problem.Extensions.Remove("exception");
        AddTraceMembers(context.HttpContext, problem);
    }

    // A made-up path is echoed only this far.
    private static string Shortened(string? text) => Grains.Telemetry.DisplayText.Shorten(text ?? string.Empty, 100);

    private static void AddTraceMembers(HttpContext context, ProblemDetails problem)
    {
        problem.Extensions.TryAdd("traceId", Activity.Current?.Id ?? context.TraceIdentifier);
        problem.Extensions.TryAdd("correlationId", CorrelationId.Get(context));
    }
}
