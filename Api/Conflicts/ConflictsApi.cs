using OrleansConsistency.Api.Access;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using OrleansConsistency.Api.Intents;
using OrleansConsistency.Api.Problems;
using OrleansConsistency.Api.Resources;
using OrleansConsistency.Api.Serialization;
using OrleansConsistency.Grains.Interfaces.Conflicts;
using OrleansConsistency.Grains.Interfaces.Deadlines;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;

namespace OrleansConsistency.Api.Conflicts;

/// <summary>
/// Resolving a change parked by the manual conflict policy, and the operators' rebuild of a resource from its events.
/// </summary>
internal static class ConflictsApi
{
    private static readonly Dictionary<string, ConflictChoice> Choices = new(StringComparer.Ordinal)
    {
        ["keep-mine"] = ConflictChoice.KeepMine,
        ["keep-theirs"] = ConflictChoice.KeepTheirs,
        ["value"] = ConflictChoice.Value,
    };

    public static IEndpointRouteBuilder MapConflictsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/resources/{type}/{id}/intents/{key}/resolution", ResolveAsync)
            .WithTags("Conflicts")
            .WithName("ResolveConflict")
            .WithSummary("Resolve a change parked by the manual conflict policy")
            .WithDescription("keep-mine applies the parked change as sent; keep-theirs keeps the values changed since and applies only the rest; value applies "
                + "the given JSON Merge Patch instead. The result is a new version whose event records the choice. Repeating the same resolution answers the same.")
            .Accepts<ResolutionRequest>("application/json")
            .Produces<IntentStatus>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .AddEndpointFilter<ResourceRouteFilter>()
            .RequireAuthorization(ApiPolicies.Write);

        app.MapGet("/v1/resources/{type}/{id}/conflicts", ListWaitingAsync)
            .WithTags("Conflicts")
            .WithName("ListWaitingConflicts")
            .WithSummary("List the changes parked by the manual conflict policy that wait for a decision")
            .WithDescription("Each with its idempotency key, session, conflict report and resolution address, oldest first. With session=… only "
                + "that session's (what a page reopening the resource shows again). A resource without any answers an empty list.")
            .Produces<WaitingConflictsResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .AddEndpointFilter<ResourceRouteFilter>()
            .RequireAuthorization(ApiPolicies.Read);

        app.MapPost("/v1/resources/{type}/{id}/rebuild", RebuildAsync)
            .WithTags("Operators")
            .WithName("RebuildResource")
            .WithSummary("Replay a resource's events from version 0 and compare with its state")
            .WithDescription("Replays every event of the resource through the same code that applied them and says whether the result equals the stored state. "
                + "With replace=true a differing stored state is replaced by the replayed one.")
            .Produces<RebuildReport>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .AddEndpointFilter<ResourceRouteFilter>()
            .RequireAuthorization(ApiPolicies.Operate);

        return app;
    }

    private static async Task<Results<Ok<IntentStatus>, ProblemHttpResult>> ResolveAsync(
        string type,
        string id,
        string key,
        HttpContext context,
        IGrainFactory grains,
        IOptions<ApiOptions> options)
    {
        var idempotencyKey = KeyBeforeSuffix(context, key);
        var resource = ResourceRoute.KeyOf(context, type, id);
        if (IntentValidator.CheckIdempotencyKey(idempotencyKey) is not null)
        {
            return ApiProblems.Create(context, ProblemTypes.IntentNotFound, "No intent can have this key: keys are 1–255 printable ASCII characters.");
        }

        ResolutionRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(context.Request.Body, ApiJsonContext.Default.ResolutionRequest, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return ApiProblems.Create(context, ProblemTypes.MalformedJson, "The body must be JSON such as {\"choice\": \"keep-mine\"} or {\"choice\": \"value\", \"value\": {\"status\": \"shipped\"}}.");
        }

        if (request?.Choice is not { } name || !Choices.TryGetValue(name, out var choice))
        {
            return ApiProblems.Create(context, ProblemTypes.InvalidResolution, $"choice must be keep-mine, keep-theirs or value{(request?.Choice is null ? "" : $", not '{request.Choice}'")}.");
        }

        var grain = grains.GetGrain<IResourceGrain>(resource.GrainKey);
        try
        {
            using (CallDeadline.WithTimeout(options.Value.GrainCallTimeout))
            {
                var result = await grain.Resolve(idempotencyKey, choice, request.Value?.Clone()).ConfigureAwait(false);
                context.Response.Headers.Location = IntentLocation.For(resource, idempotencyKey);
                if (result.Status.Version is { } version)
                {
                    context.Response.Headers.ETag = ETags.For(version);
                }

                if (result.Replayed)
                {
                    context.Response.Headers[IntentsApi.ReplayedHeader] = "true";
                }

                return TypedResults.Ok(result.Status);
            }
        }
        catch (ConflictResolutionException exception)
        {
            var problemType = exception.Code switch
            {
                ConflictResolutionException.NotFound => ProblemTypes.IntentNotFound,
                ConflictResolutionException.NotInConflict => ProblemTypes.NotInConflict,
                ConflictResolutionException.AlreadyResolved => ProblemTypes.AlreadyResolved,
                _ => ProblemTypes.InvalidResolution,
            };
            return ApiProblems.Create(context, problemType, exception.Message, [new("idempotencyKey", idempotencyKey)]);
        }
        catch (Exception exception) when (ServiceProblems.ForChange(context, exception, idempotencyKey) is { } unavailable)
        {
            return unavailable;
        }
    }

    private static async Task<Results<Ok<WaitingConflictsResponse>, ProblemHttpResult>> ListWaitingAsync(
        string type,
        string id,
        [FromQuery] string? session,
        HttpContext context,
        IGrainFactory grains,
        IOptions<ApiOptions> options)
    {
        var resource = ResourceRoute.KeyOf(context, type, id);
        if (IntentValidator.CheckSession(session) is { } invalidSession)
        {
            return ApiProblems.Create(context, ProblemTypes.InvalidIntent, invalidSession);
        }

        try
        {
            using (CallDeadline.WithTimeout(options.Value.GrainCallTimeout))
            {
                var parked = await grains.GetGrain<IResourceGrain>(resource.GrainKey).GetParkedConflicts().ConfigureAwait(false);
                var items = parked
                    .Where(p => session is null || string.Equals(p.Session, session, StringComparison.Ordinal))
                    .Select(p => new WaitingConflict(p.Key, p.Session, p.ReceivedAt, p.Conflict, IntentLocation.For(resource, p.Key) + "/resolution"))
                    .ToList();
                return TypedResults.Ok(new WaitingConflictsResponse(items));
            }
        }
        catch (Exception exception) when (ServiceProblems.ForRead(context, exception) is { } unavailable)
        {
            return unavailable;
        }
    }

    private static async Task<Results<Ok<RebuildReport>, ProblemHttpResult>> RebuildAsync(
        string type,
        string id,
        [FromQuery] bool? replace,
        HttpContext context,
        IGrainFactory grains,
        IOptions<ApiOptions> options)
    {
        var resource = ResourceRoute.KeyOf(context, type, id);

        try
        {
            // Replaying a long log takes longer than one change; the caller's own timeout still applies.
            using (CallDeadline.WithTimeout(options.Value.GrainCallTimeout * 4))
            {
                return TypedResults.Ok(await grains.GetGrain<IResourceGrain>(resource.GrainKey).Rebuild(replace ?? false).ConfigureAwait(false));
            }
        }
        catch (Exception exception) when (ServiceProblems.ForRead(context, exception) is { } unavailable)
        {
            return unavailable;
        }
    }

    /// <summary>The key from the raw path segment before <c>/resolution</c>, decoded once (keys may hold an escaped '/').</summary>
    private static string KeyBeforeSuffix(HttpContext context, string routedKey)
    {
        var rawTarget = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(rawTarget) || !rawTarget.StartsWith('/'))
        {
            return routedKey.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        }

        var segments = rawTarget.Split('?', 2)[0].Split('/');
        return segments.Length >= 2 ? Uri.UnescapeDataString(segments[^2]) : routedKey;
    }
}
