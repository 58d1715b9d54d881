using System.Collections.Concurrent;
using OrleansConsistency.Grains.Interfaces.Consumers;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Grains.Tests.Consumers;

/// <summary>
/// A checkpointing consumer that records the checkpoints it is handed and reports each as written without writing
/// it, so that a test can tell its checkpoints from any the runner writes.
/// </summary>
internal sealed class ReportingOnlyConsumer(string name) : ICheckpointingConsumer
{
    private readonly ConcurrentQueue<ConsumerCheckpoint> _checkpoints = new();

    public string Name => name;

    public IEnumerable<ConsumerCheckpoint> Checkpoints => _checkpoints;

    public Task HandleAsync(TransitionEvent transition, ConsumerContext context, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("A checkpointing consumer is called with its checkpoint.");

    public Task<long> HandleAsync(TransitionEvent transition, ConsumerContext context, ConsumerCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        _checkpoints.Enqueue(checkpoint);
        return Task.FromResult(checkpoint.Version);
    }
}
