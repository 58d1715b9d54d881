using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;

namespace OrleansConsistency.Storage.Streams.Wake;

/// <summary>A silo's <see cref="IQueueWakeGrain"/>: hands wakes to the receivers this silo runs.</summary>
[SiloBoundPlacement]
[Reentrant]
internal sealed class QueueWakeGrain(IServiceProvider services) : Grain, IQueueWakeGrain
{
    private EventQueues _queues = null!;

    public Task Wake(int[] queues)
    {
        ArgumentNullException.ThrowIfNull(queues);
        foreach (var queue in queues)
        {
            _queues.WakeLocal(queue);
        }

        return Task.CompletedTask;
    }

    public Task<int[]> ReadQueues() => Task.FromResult(_queues.LocalQueues.ToArray());

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The placement director put it on the silo its key names; anything else would wake the wrong receivers.
        if (!QueueWakeGrainKey.TryParse(this.GetPrimaryKeyString(), out var provider, out var silo) || !silo!.Equals(services.GetRequiredService<ILocalSiloDetails>().SiloAddress))
        {
            throw new OrleansException($"{this.GetPrimaryKeyString()} was activated on another silo.");
        }

        _queues = services.GetRequiredKeyedService<EventQueues>(provider);
        return Task.CompletedTask;
    }
}
