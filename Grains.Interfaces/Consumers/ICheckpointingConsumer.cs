using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Grains.Interfaces.Consumers;

/// <summary>
/// A consumer whose effect is written to the silo's own database, and which moves its checkpoint in the same
/// transaction (see <see cref="IProjectionStore.UpsertAsync(ProjectionRow, ConsumerCheckpoint, CancellationToken)"/>).
/// The consumer runner then writes no checkpoint of its own after a successful delivery: the effect and the checkpoint can
/// never disagree, and each event waits for one commit instead of two. After a delivery it gave up on, the runner still
/// moves the checkpoint itself.
/// </summary>
public interface ICheckpointingConsumer : IResourceConsumer
{
    /// <summary>Handles one event and moves <paramref name="checkpoint"/> forward in the same durable write.</summary>
    /// <param name="transition">The event.</param>
    /// <param name="context">Which attempt this is and how much time it has.</param>
    /// <param name="checkpoint">The consumer's checkpoint for the event's resource, at the event's version.</param>
    /// <param name="cancellationToken">Cancelled at the attempt's deadline or when the silo stops.</param>
    /// <returns>The checkpoint after the write: the higher of the stored and the event's version.</returns>
    Task<long> HandleAsync(TransitionEvent transition, ConsumerContext context, ConsumerCheckpoint checkpoint, CancellationToken cancellationToken);
}
