using Microsoft.Extensions.Hosting;

namespace OrleansConsistency.Runtime.Hosting;

/// <summary>Starts the silo with its host (storage schema, collector) and deactivates every grain when the host stops.</summary>
internal sealed class SiloHostedService(SiloRuntime runtime, IEnumerable<ISiloStartupTask> startupTasks) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var task in startupTasks)
        {
            await task.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }

        runtime.Collector.Start();
    }

    public async Task StopAsync(CancellationToken cancellationToken) =>
        await runtime.StopAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
}
