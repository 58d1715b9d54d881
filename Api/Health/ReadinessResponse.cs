using OrleansConsistency.Api.Cluster;
using OrleansConsistency.Grains.Dependencies;
using OrleansConsistency.Grains.Interfaces.Consumers;

namespace OrleansConsistency.Api.Health;

/// <summary>
/// <c>GET /health/ready</c>: <c>ready</c>, or <c>degraded</c> while a dependency's or consumer's breaker is not closed
/// (the work that needs it waits; everything else goes on) or Orleans' membership could be read only from this silo's
/// own view, with every dependency's and consumer's state; and
/// <c>unavailable</c> (503) while the database's breaker is open or no silo is <c>Active</c> (or none can be reached),
/// because then no write can be accepted; and the cluster's silos as Orleans' membership has them.
/// </summary>
internal sealed record ReadinessResponse(
    string Status, StorageReadiness Storage, IReadOnlyList<DependencyState> Dependencies, IReadOnlyList<ConsumerState> Consumers, SiloReport Silos);
