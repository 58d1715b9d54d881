using OrleansConsistency.Api.Access;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using OrleansConsistency.Api.Deadlines;
using OrleansConsistency.Api.Intents;
using OrleansConsistency.Api.OpenApi;
using OrleansConsistency.Api.Problems;
using OrleansConsistency.Grains.Interfaces.Deadlines;
using OrleansConsistency.Grains.Interfaces.ReadModel;
using OrleansConsistency.Grains.Interfaces.Resources;

namespace OrleansConsistency.Api.Resources;

/// <summary>
/// <c>/v1/resources/{type}/{id}</c>: read a resource's document with its version and settled version, at the
/// consistency the caller asks for; <c>/v1/resources/{type}</c>: list a type from the read model.
/// </summary>
internal static class ResourcesApi
{
    public const int DefaultPageSize = 50;

    public const int MaxPageSize = 500;

    /// <summary>How often a read-your-writes read looks at the read model again while it waits for it to catch up.</summary>
    private static readonly TimeSpan ReadModelPollInterval = TimeSpan.FromMilliseconds(25);

    public static RouteGroupBuilder MapResourcesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/resources").WithTags("Resources").AddEndpointFilter<ResourceRouteFilter>().AddEndpointFilter<RequestDeadlineFilter>()
            .RequireAuthorization(ApiPolicies.Read);

        api.MapGet("/{type}/{id}", GetResourceAsync)
            .WithName("GetResource")
            .WithSummary("Get a resource")
            .WithDescription(
                "The resource's document, version (also its ETag) and settled version. consistency=strong (default) reads the resource itself; "
                + "eventual reads the read model and says how far behind it is (lag, Age); read-your-writes (with minVersion or X-Consistency-Token) "
                + "never answers a version below minVersion. If-None-Match with the current ETag answers 304.")
            .Produces<ResourceResponse>(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .AddOpenApiOperationTransformer(ApiOpenApi.DescribeGetResourceAsync);

        api.MapGet("/{type}", ListResourcesAsync)
            .WithName("ListResources")
            .WithSummary("List the resources of a type")
            .WithDescription("From the read model, in id order: eventual, so items may be behind their resources. Follow next for the following page; limit is 1–500 (default 50, larger values are capped).")
            .Produces<ResourceListResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        return api;
    }

    private static async Task<Results<Ok<ResourceResponse>, StatusCodeHttpResult, ProblemHttpResult>> GetResourceAsync(
        string type,
        string id,
        [FromQuery] string? consistency,
        [FromQuery] string? minVersion,
        [FromHeader(Name = "If-None-Match")] string? ifNoneMatch,
        [FromHeader(Name = PreferWait.ConsistencyTokenHeader)] string? consistencyToken,
        HttpContext context,
        IGrainFactory grains,
        IResourceReadModel readModel,
        TimeProvider time,
        IOptions<ApiOptions> options)
    {
        var resource = ResourceRoute.KeyOf(context, type, id);

        // minVersion on its own can only mean read-your-writes; the token header alone does not change the default,
        // so a client that echoes it on every request still gets strong reads unless it asks otherwise.
        var level = string.IsNullOrEmpty(consistency) ? (minVersion is null ? ReadConsistencies.Strong : ReadConsistencies.ReadYourWrites) : consistency;
        if (!ReadConsistencies.IsKnown(level))
        {
            return ApiProblems.Create(context, ProblemTypes.InvalidRead, $"consistency must be strong, eventual or read-your-writes, not '{consistency}'.");
        }

        long? least = null;
        if (level == ReadConsistencies.ReadYourWrites)
        {
            var raw = minVersion ?? consistencyToken;
            if (raw is null || !long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return ApiProblems.Create(
                    context,
                    ProblemTypes.InvalidRead,
                    $"consistency=read-your-writes needs the version you wrote: minVersion=n, or the {PreferWait.ConsistencyTokenHeader} header a change answered with (a whole number, 0 or more).");
            }

            least = parsed;
        }

        var grain = grains.GetGrain<IResourceGrain>(resource.GrainKey);
        var cancellationToken = context.RequestAborted;
        Exception failure;
        try
        {
            // The grain gets the request's time less a reserve, kept to answer from the read model if it cannot.
            using (CallDeadline.WithDeadline(RequestDeadline.Of(context)!.ForGrainCall(options.Value)))
            {
                if (level == ReadConsistencies.Strong)
                {
                    return Answer(context, resource, ResourceResponse.From(await grain.GetSnapshot().ConfigureAwait(false)), ifNoneMatch);
                }

                if (level == ReadConsistencies.Eventual)
                {
                    // The read model first and the resource second: the resource can only be further on, so the lag is never negative.
                    // The resource is asked (an in-memory read) because only it knows how far behind the read model is and what is settled.
                    var entry = await readModel.GetAsync(resource, cancellationToken).ConfigureAwait(false);
                    var snapshot = await grain.GetSnapshot().ConfigureAwait(false);
                    var response = entry is null
                        ? ResourceResponse.From(snapshot, ReadConsistencies.Eventual)
                        : ResourceResponse.From(entry, snapshot, ReadConsistencies.Eventual, time.GetUtcNow());
                    return Answer(context, resource, response, ifNoneMatch);
                }

                return await ReadYourWritesAsync(context, resource, grain, readModel, least!.Value, ifNoneMatch, time, options.Value).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (CannotReachGrain(exception))
        {
            failure = exception;
        }

        // Read-your-writes promises a version the read model's copy may not have, so it never falls back.
        if (level != ReadConsistencies.ReadYourWrites
            && await StaleFallbackAsync(context, resource, readModel, level, failure, ifNoneMatch, time).ConfigureAwait(false) is { } stale)
        {
            return stale;
        }

        return ServiceProblems.ForRead(context, failure)!;
    }

    /// <summary>The resource itself did not answer in time, is overloaded, or could not be loaded: the read model may still.</summary>
    private static bool CannotReachGrain(Exception exception) =>
        exception is TimeoutException or DeadlineExceededException or LimitExceededException or Storage.StorageUnavailableException
            or OrleansMessageRejectionException or ConnectionFailedException or ClientNotAvailableException or GatewayTooBusyException;

    /// <summary>
    /// The last projected copy of the resource, marked stale with why and how old it is; null when the read model has
    /// none either (or cannot be read), and the read answers with the original problem.
    /// </summary>
    private static async Task<Results<Ok<ResourceResponse>, StatusCodeHttpResult, ProblemHttpResult>?> StaleFallbackAsync(
        HttpContext context,
        ResourceKey resource,
        IResourceReadModel readModel,
        string level,
        Exception exception,
        string? ifNoneMatch,
        TimeProvider time)
    {
        ReadModelEntry? entry;
        try
        {
            entry = await readModel.GetAsync(resource, context.RequestAborted).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed fallback answers with the original problem, which is the one that matters.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }

        if (entry is null)
        {
            return null;
        }

        var reason = exception switch
        {
            LimitExceededException => "the resource is too busy to answer now",
            Storage.StorageUnavailableException => "the resource could not be loaded from storage",
            _ => "the resource did not answer in time",
        };
        return Answer(context, resource, ResourceResponse.FromStaleCopy(entry, level, reason, time.GetUtcNow()), ifNoneMatch);
    }

    /// <summary>
    /// Waits (up to <see cref="ApiOptions.ReadYourWritesWait"/>) for the read model to have <paramref name="minVersion"/>,
    /// then falls back to the resource itself. Whatever path is taken, the answer is never below <paramref name="minVersion"/>.
    /// </summary>
    private static async Task<Results<Ok<ResourceResponse>, StatusCodeHttpResult, ProblemHttpResult>> ReadYourWritesAsync(
        HttpContext context,
        ResourceKey resource,
        IResourceGrain grain,
        IResourceReadModel readModel,
        long minVersion,
        string? ifNoneMatch,
        TimeProvider time,
        ApiOptions options)
    {
        // Asking the resource first settles a token from the future at once instead of after a pointless wait.
        var snapshot = await grain.GetSnapshot().ConfigureAwait(false);
        if (snapshot.Version < minVersion)
        {
            return ApiProblems.Create(
                context,
                ProblemTypes.VersionNotReached,
                $"The resource {resource} is at version {snapshot.Version}, below the version {minVersion} you asked for. Versions come from the answers to changes (ETag, {PreferWait.ConsistencyTokenHeader}); this one was not.",
                [new("version", snapshot.Version), new("minVersion", minVersion)]);
        }

        var started = time.GetTimestamp();
        var cancellationToken = context.RequestAborted;
        while (true)
        {
            var entry = await readModel.GetAsync(resource, cancellationToken).ConfigureAwait(false);
            if (entry is not null && entry.Version >= minVersion)
            {
                snapshot = await grain.GetSnapshot().ConfigureAwait(false);
                return Answer(context, resource, ResourceResponse.From(entry, snapshot, ReadConsistencies.ReadYourWrites, time.GetUtcNow()), ifNoneMatch);
            }

            if (time.GetElapsedTime(started) + ReadModelPollInterval > options.ReadYourWritesWait)
            {
                break;
            }

            await Task.Delay(ReadModelPollInterval, time, cancellationToken).ConfigureAwait(false);
        }

        // The resource was at or past minVersion above and versions never go back, so this answer is too.
        snapshot = await grain.GetSnapshot().ConfigureAwait(false);
        return Answer(context, resource, ResourceResponse.From(snapshot, ReadConsistencies.ReadYourWrites), ifNoneMatch);
    }

    private static Results<Ok<ResourceResponse>, StatusCodeHttpResult, ProblemHttpResult> Answer(HttpContext context, ResourceKey resource, ResourceResponse response, string? ifNoneMatch)
    {
        if (response.Lag is { } lag)
        {
            context.Response.Headers.Age = ((long)lag.Seconds).ToString(CultureInfo.InvariantCulture);
        }

        if (response.Stale is { } stale)
        {
            context.Response.Headers.Age = ((long)stale.AgeSeconds).ToString(CultureInfo.InvariantCulture);
        }

        if (!response.Exists)
        {
            // Saying which helps a client tell a typo from a resource someone removed, and the version lets it
            // recreate the resource conditionally.
            var detail = response.Version == 0
                ? $"The resource {resource} was never created."
                : $"The resource {resource} was deleted at version {response.Version}.";
            return ApiProblems.Create(
                context,
                ProblemTypes.ResourceNotFound,
                detail,
                [new("version", response.Version), new("deleted", response.Version > 0), new("settledVersion", response.SettledVersion), new("source", response.Source)]);
        }

        context.Response.Headers.ETag = ETags.For(response.Version);
        if (ETags.NoneMatchHits(ifNoneMatch, response.Version))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<ResourceListResponse>, ProblemHttpResult>> ListResourcesAsync(
        string type,
        [FromQuery] string? after,
        [FromQuery] string? limit,
        HttpContext context,
        IResourceReadModel readModel)
    {
        var size = DefaultPageSize;
        if (limit is not null)
        {
            if (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1)
            {
                return ApiProblems.Create(context, ProblemTypes.InvalidRead, $"limit must be a whole number from 1 to {MaxPageSize}, not '{limit}'.");
            }

            // Capped rather than refused: a client asking for more simply gets pages of the largest size.
            size = Math.Min(size, MaxPageSize);
        }

        if (after is not null && !ResourceKey.IsValidId(after))
        {
            return ApiProblems.Create(context, ProblemTypes.InvalidRead, $"after must be a resource id (as in the next link of a previous page), not '{after}'.");
        }

        ReadModelPage page;
        try
        {
            page = await readModel.ListAsync(ApiClaims.RequireTenant(context), type, after, size, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception exception) when (ServiceProblems.ForRead(context, exception) is { } unavailable)
        {
            return unavailable;
        }

        var next = page.NextAfter is { } nextAfter
            ? $"/v1/resources/{type}?after={Uri.EscapeDataString(nextAfter)}&limit={size.ToString(CultureInfo.InvariantCulture)}"
            : null;
        return TypedResults.Ok(new ResourceListResponse(
            page.Items.Select(ResourceListItem.From).ToList(),
            next,
            ResourceResponse.ReadModelSource,
            ReadConsistencies.Eventual));
    }
}
