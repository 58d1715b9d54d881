using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Api.Health;

/// <summary>The health checks <c>/health/ready</c> runs, all tagged <see cref="Tag"/> so that <c>/health/live</c> runs none.</summary>
internal static class ReadinessChecks
{
    /// <summary>The tag of every readiness check.</summary>
    public const string Tag = "ready";

    /// <summary>How long the database probe may take before it counts as down.</summary>
    public static readonly TimeSpan DatabaseProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Adds ASP.NET Core's health checks: the database (its breaker, and with PostgreSQL a <c>SELECT 1</c> probe),
    /// the Orleans silos, and the dependencies' and consumers' breakers.
    /// </summary>
    public static IServiceCollection AddReadinessChecks(this IServiceCollection services, IConfiguration configuration)
    {
        var checks = services.AddHealthChecks()
            .AddCheck<StorageBreakerHealthCheck>(StorageBreakerHealthCheck.Name, tags: [Tag])
            .AddCheck<SiloHealthCheck>(SiloHealthCheck.Name, tags: [Tag])
            .AddCheck<BreakersHealthCheck>(BreakersHealthCheck.Name, tags: [Tag]);

        // SQLite is a file in this process: its breaker is the whole story. A PostgreSQL server can be gone before
        // any write has failed, so it is also asked.
        var storage = new StorageOptions();
        configuration.GetSection(StorageOptions.SectionName).Bind(storage);
        if (storage.IsPostgres && !string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            checks.AddNpgSql(storage.ConnectionString, name: "database", tags: [Tag], timeout: DatabaseProbeTimeout);
        }

        return services;
    }
}
