using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OrleansConsistency.Api.Access;
using OrleansConsistency.Api.Problems;
using OrleansConsistency.Api.Serialization;
using OrleansConsistency.Grains.Resources;

namespace OrleansConsistency.Api.Telemetry;

/// <summary>
/// <c>POST /v1/telemetry/perceived</c>: the people's page reports how long each of its changes took as the person saw
/// it. Callers authenticate as for every other page call and are rate limited per key like them (CallerLimitMiddleware);
/// only a key that may make changes reports on them (a reader's POST is refused like its other writes);
/// the type tag is bounded to the configured types, so made-up types cannot grow the series.
/// </summary>
internal static class PerceivedTelemetryApi
{
    /// <summary>The tag of every type not configured under <c>Resources:Types</c>.</summary>
    public const string OtherType = "other";

    private const double MaxMilliseconds = 3_600_000;

    public static IEndpointRouteBuilder MapPerceivedTelemetryApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/telemetry/perceived", ReportAsync)
            .WithTags("Telemetry")
            .WithName("ReportPerceivedTiming")
            .WithSummary("Report how long a change took as a person saw it")
            .WithDescription("From the click on Save to Saved and to Done on the people's page, in milliseconds (0 to one hour). Recorded in the histograms "
                + "oc_perceived_saved_seconds and oc_perceived_done_seconds, tagged with the resource type when it is configured under Resources:Types, else 'other'.")
            .Accepts<PerceivedTiming>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequireAuthorization(ApiPolicies.Write);
        return app;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ReportAsync(HttpContext context, IOptions<ResourcesOptions> resources)
    {
        PerceivedTiming? timing;
        try
        {
            timing = await JsonSerializer.DeserializeAsync(context.Request.Body, ApiJsonContext.Default.PerceivedTiming, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return Invalid(context);
        }

        if (timing is not { Type: { Length: > 0 } type, SavedMs: { } saved } || !InRange(saved) || timing.DoneMs is { } done && !InRange(done))
        {
            return Invalid(context);
        }

        var tag = new KeyValuePair<string, object?>("type", resources.Value.Types.ContainsKey(type) ? type : OtherType);
        PerceivedInstruments.Saved.Record(saved / 1000, tag);
        if (timing.DoneMs is { } doneMs)
        {
            PerceivedInstruments.Done.Record(doneMs / 1000, tag);
        }

        return TypedResults.NoContent();
    }

    private static bool InRange(double milliseconds) => double.IsFinite(milliseconds) && milliseconds is >= 0 and <= MaxMilliseconds;

    private static ProblemHttpResult Invalid(HttpContext context) =>
        ApiProblems.Create(context, ProblemTypes.InvalidTiming, "The body must be JSON such as {\"type\": \"carts\", \"savedMs\": 120, \"doneMs\": 900}, with times from 0 to 3600000 ms.");
}
