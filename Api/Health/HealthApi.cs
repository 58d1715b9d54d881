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

        // What each check judged (read once, so the body never contradicts the status), or read now if it could not run.
        var response = new ReadinessResponse(
            status,
            Judged<StorageReadiness>(report, StorageBreakerHealthCheck.Name, StorageBreakerHealthCheck.StateKey) ?? StorageReadiness.Of(storage),
            Judged<IReadOnlyList<DependencyState>>(report, BreakersHealthCheck.Name, BreakersHealthCheck.DependenciesKey) ?? dependencies.Describe(),
            Judged<IReadOnlyList<ConsumerState>>(report, BreakersHealthCheck.Name, BreakersHealthCheck.ConsumersKey) ?? consumers.Describe(),
            Judged<SiloReport>(report, SiloHealthCheck.Name, SiloHealthCheck.StateKey) ?? await silos.ReadAsync().ConfigureAwait(false));
        return status == "unavailable"
            ? TypedResults.Json(response, ApiJsonContext.Default.ReadinessResponse, statusCode: StatusCodes.Status503ServiceUnavailable)
            : TypedResults.Ok(response);
    }

    private static T? Judged<T>(HealthReport report, string check, string key)
        where T : class =>
        report.Entries.TryGetValue(check, out var entry) ? entry.Data.GetValueOrDefault(key) as T : null;
}
