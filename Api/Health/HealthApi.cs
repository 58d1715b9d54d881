using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansConsistency.Api.Cluster;
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
        app.MapGet("/health/live", () => TypedResults.Text("Healthy"))
            .WithTags("Health")
            .WithName("Liveness")
            .WithSummary("Liveness: 200 while the process answers; no dependency is checked")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .DisableRateLimiting()
            .AllowAnonymous();

        // The checks tagged "ready" (ReadinessChecks) decide: a dependency being down degrades the work that needs it
        // and nothing else, so it does not make the API unready (200): taking the API out of rotation over a payment
        // outage would stop everything. The database being down does (503): no write can be accepted anywhere it is
        // unreachable from; so does having no Active silo reachable (503): every intent is a grain call, so this API
        // can accept none, while another may. An endpoint of its own (not MapHealthChecks) so that OpenAPI describes it.
        app.MapGet("/health/ready", Ready)
            .WithTags("Health")
            .WithName("Readiness")
            .WithSummary("Readiness, and the state of every dependency and consumer")
            .WithDescription("Each dependency's breaker (closed, open, half-open; when open, until when), bulkhead slots in use, queue length and injected faults; each consumer's breaker, work in flight and backlog; the cluster's silos with their Orleans status.")
            .Produces<ReadinessResponse>(StatusCodes.Status200OK)
            .Produces<ReadinessResponse>(StatusCodes.Status503ServiceUnavailable)
            .DisableRateLimiting()

            // Load balancers and orchestrators probe without credentials; it shows names and states, never data.
            .AllowAnonymous();
        return app;
    }

    private static async Task<IResult> Ready(HealthCheckService checks, DependencyRegistry dependencies, IConsumerControl consumers, StorageHealth storage, ClusterSilos silos, CancellationToken cancellationToken)
    {
        var report = await checks.CheckHealthAsync(check => check.Tags.Contains(ReadinessChecks.Tag), cancellationToken).ConfigureAwait(false);
        var status = report.Status switch
        {
            HealthStatus.Unhealthy => "unavailable",
            HealthStatus.Degraded => "degraded",
            _ => "ready",
        };

        // The silo check has just read the silos: this is the same answer (ClusterSilos reuses it for a second).
        var siloReport = await silos.ReadAsync().ConfigureAwait(false);

        // The breakers as the checks judged them (read once), or read now if a check could not run.
        var storageState = report.Entries.TryGetValue(StorageBreakerHealthCheck.Name, out var database)
            && database.Data.GetValueOrDefault(StorageBreakerHealthCheck.StateKey) is StorageReadiness judgedStorage
                ? judgedStorage
                : StorageReadiness.Of(storage);
        var judged = report.Entries.TryGetValue(BreakersHealthCheck.Name, out var breakers) ? breakers.Data : null;
        var response = new ReadinessResponse(
            status,
            storageState,
            judged?.GetValueOrDefault(BreakersHealthCheck.DependenciesKey) as IReadOnlyList<DependencyState> ?? dependencies.Describe(),
            judged?.GetValueOrDefault(BreakersHealthCheck.ConsumersKey) as IReadOnlyList<ConsumerState> ?? consumers.Describe(),
            siloReport);
        return status == "unavailable"
            ? TypedResults.Json(response, ApiJsonContext.Default.ReadinessResponse, statusCode: StatusCodes.Status503ServiceUnavailable)
            : TypedResults.Ok(response);
    }
}
