using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansConsistency.Grains.Dependencies;
using OrleansConsistency.Grains.Interfaces.Consumers;

namespace OrleansConsistency.Api.Health;

/// <summary><c>/health/live</c> and <c>/health/ready</c>.</summary>
internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        // Liveness only: no dependency is checked, so a storage outage never gets a healthy process restarted.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });

        // A dependency being down degrades the work that needs it and nothing else, so it does not make the API
        // unready (200 either way): taking the API out of rotation over a payment outage would stop everything.
        app.MapGet("/health/ready", Ready)
            .WithTags("Health")
            .WithName("Readiness")
            .WithSummary("Readiness, and the state of every dependency and consumer")
            .WithDescription("Each dependency's breaker (closed, open, half-open; when open, until when), bulkhead slots in use, queue length and injected faults; each consumer's breaker, work in flight and backlog.")
            .Produces<ReadinessResponse>(StatusCodes.Status200OK);
        return app;
    }

    private static Ok<ReadinessResponse> Ready(DependencyRegistry dependencies, IConsumerControl consumers)
    {
        var dependencyStates = dependencies.Describe();
        var consumerStates = consumers.Describe();
        var degraded = dependencyStates.Any(d => d.Breaker != "closed") || consumerStates.Any(c => c.Breaker != "closed");
        return TypedResults.Ok(new ReadinessResponse(degraded ? "degraded" : "ready", dependencyStates, consumerStates));
    }
}
