using OrleansConsistency.Api.Access;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansConsistency.Api.Problems;
using OrleansConsistency.Api.Resources;
using OrleansConsistency.Grains.Interfaces.Consumers;

namespace OrleansConsistency.Api.Consumers;

/// <summary>
/// <c>/v1/resources/{type}/{id}/consumers/{name}</c>: what an operator does about a consumer that gave up on a
/// resource's versions (a poison event, a dependency down too long) once the cause is fixed.
/// </summary>
internal static class ConsumersApi
{
    public static RouteGroupBuilder MapConsumersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/resources/{type}/{id}/consumers").WithTags("Consumers").AddEndpointFilter<ResourceRouteFilter>()
            .RequireAuthorization(ApiPolicies.Operate);

        api.MapPost("/{name}/retry", RetryAsync)
            .WithName("RetryConsumer")
            .WithSummary("Retry the versions a consumer gave up on for a resource")
            .WithDescription("Queues again every version of the resource the consumer gave up on; their intents go back to in-progress and settle once handled. Safe to repeat.")
            .Produces<ConsumerRetryResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        return api;
    }

    private static async Task<Results<Ok<ConsumerRetryResponse>, ProblemHttpResult>> RetryAsync(
        string type,
        string id,
        string name,
        HttpContext context,
        IConsumerControl consumers)
    {
        var resource = ResourceRoute.KeyOf(context, type, id);

        try
        {
            var retried = await consumers.RetryAsync(name, resource, context.RequestAborted).ConfigureAwait(false);
            return TypedResults.Ok(new ConsumerRetryResponse(retried));
        }
        catch (KeyNotFoundException)
        {
            var known = string.Join(", ", consumers.Describe().Select(c => c.Name));
            return ApiProblems.Create(
                context,
                ProblemTypes.ConsumerNotFound,
                $"No consumer named '{name}' runs here. Known consumers: {(known.Length == 0 ? "none" : known)}.",
                [new("consumer", name)]);
        }
        catch (Exception exception) when (ServiceProblems.ForRead(context, exception) is { } unavailable)
        {
            return unavailable;
        }
    }
}
