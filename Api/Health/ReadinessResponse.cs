using OrleansConsistency.Grains.Dependencies;
using OrleansConsistency.Grains.Interfaces.Consumers;

namespace OrleansConsistency.Api.Health;

/// <summary>
/// <c>GET /health/ready</c>: <c>ready</c>, or <c>degraded</c> while a dependency's or consumer's breaker is not closed
/// (the work that needs it waits; everything else goes on), with every dependency's and consumer's state; and
/// <c>unavailable</c> (503) while the database's breaker is open, because then no write can be accepted.
/// </summary>
internal sealed record ReadinessResponse(
    string Status, StorageReadiness Storage, IReadOnlyList<DependencyState> Dependencies, IReadOnlyList<ConsumerState> Consumers);
