using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansConsistency.Api.Serialization;
using OrleansConsistency.Grains.Dependencies;
using OrleansConsistency.Grains.Interfaces.Consumers;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Api.Health;

/// <summary><c>/health/live</c> and <c>/health/ready</c>.</summary>
internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        // Liveness only: no dependency is checked, so a storage outage never gets a healthy process restarted.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).DisableRateLimiting();

        // A dependency being down degrades the work that needs it and nothing else, so it does not make the API
        // unready (200): taking the API out of rotation over a payment outage would stop everything. The database
        // being down does (503): no write can be accepted anywhere it is unreachable from.
        app.MapGet("/health/ready", Ready)
            .WithTags("Health")
            .WithName("Readiness")
            .WithSummary("Readiness, and the state of every dependency and consumer")
            .WithDescription("Each dependency's breaker (closed, open, half-open; when open, until when), bulkhead slots in use, queue length and injected faults; each consumer's breaker, work in flight and backlog.")
            .Produces<ReadinessResponse>(StatusCodes.Status200OK)
            .Produces<ReadinessResponse>(StatusCodes.Status503ServiceUnavailable)
            .DisableRateLimiting();
        return app;
    }

    private static IResult Ready(DependencyRegistry dependencies, IConsumerControl consumers, StorageHealth storage)
    {
        var dependencyStates = dependencies.Describe();
        var consumerStates = consumers.Describe();
        var storageState = new StorageReadiness(storage.State, storage.UnavailableSince, storage.RetryAfter?.TotalSeconds, storage.LastError);
        var degraded = dependencyStates.Any(d => d.Breaker != "closed") || consumerStates.Any(c => c.Breaker != "closed");
        var status = storage.State == "open" ? "unavailable" : degraded ? "degraded" : "ready";
        var response = new ReadinessResponse(status, storageState, dependencyStates, consumerStates);
        return status == "unavailable"
            ? TypedResults.Json(response, ApiJsonContext.Default.ReadinessResponse, statusCode: StatusCodes.Status503ServiceUnavailable)
            : TypedResults.Ok(response);
    }
}
