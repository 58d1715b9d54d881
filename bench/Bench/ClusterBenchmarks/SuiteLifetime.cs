using Microsoft.Extensions.Hosting;

namespace OrleansConsistency.Bench.ClusterBenchmarks;

/// <summary>
/// The lifetime of the bench's Orleans client hosts: none of their own. A host's default console lifetime would take
/// Ctrl+C and SIGTERM for itself and stop the client while the suite ran on; the suite handles those signals instead
/// (<see cref="ClusterSuite"/>: kill the silos, exit).
/// </summary>
internal sealed class SuiteLifetime : IHostLifetime
{
    /// <inheritdoc />
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
