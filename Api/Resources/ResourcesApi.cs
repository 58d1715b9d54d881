using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using OrleansConsistency.Api.OpenApi;
using OrleansConsistency.Api.Problems;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Runtime;

namespace OrleansConsistency.Api.Resources;

/// <summary><c>/v1/resources/{type}/{id}</c>: read a resource's document with its version and settled version.</summary>
internal static class ResourcesApi
{
    public static RouteGroupBuilder MapResourcesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/resources").WithTags("Resources");

        api.MapGet("/{type}/{id}", GetResourceAsync)
            .WithName("GetResource")
            .WithSummary("Get a resource")
            .WithDescription("The resource's document, version (also its ETag) and settled version. If-None-Match with the current ETag answers 304.")
            .Produces<ResourceResponse>(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .AddOpenApiOperationTransformer(ApiOpenApi.DescribeGetResourceAsync);

        return api;
    }

    private static async Task<Results<Ok<ResourceResponse>, StatusCodeHttpResult, ProblemHttpResult>> GetResourceAsync(
        string type,
        string id,
        [FromHeader(Name = "If-None-Match")] string? ifNoneMatch,
        HttpContext context,
        IGrainFactory grains,
        IOptions<ApiOptions> options)
    {
        // A name that can never exist is simply not found; there is nothing to correct in a lookup.
        if (!ResourceRoute.TryGetKey(type, id, out var resource, out var keyProblem))
        {
            return ApiProblems.Create(context, ProblemTypes.ResourceNotFound, keyProblem!);
        }

        ResourceSnapshot snapshot;
        try
        {
            using (RequestContext.WithTimeout(options.Value.GrainCallTimeout))
            {
                snapshot = await grains.GetGrain<IResourceGrain>(resource.GrainKey).GetSnapshot().ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (ServiceProblems.ForRead(context, exception) is { } unavailable)
        {
            return unavailable;
        }

        if (!snapshot.Exists)
        {
            // Saying which helps a client tell a typo from a resource someone removed, and the version lets it
            // recreate the resource conditionally.
            var detail = snapshot.Version == 0
                ? $"The resource {resource} was never created."
                : $"The resource {resource} was deleted at version {snapshot.Version}.";
            return ApiProblems.Create(
                context,
                ProblemTypes.ResourceNotFound,
                detail,
                [new("version", snapshot.Version), new("deleted", snapshot.Version > 0)]);
        }

        context.Response.Headers.ETag = ETags.For(snapshot.Version);
        if (ETags.NoneMatchHits(ifNoneMatch, snapshot.Version))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Ok(ResourceResponse.From(snapshot));
    }
}
