using System.Text.Json;
using OrleansConsistency.Grains.Interfaces.Consumers;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Grains.Consumers.ReadModel;

/// <summary>
/// The <c>read-model</c> consumer: keeps each resource's latest document in a projection table for cheap reads and
/// lists. Idempotent by version: the store keeps a row only if its version is newer, so a replay changes nothing.
/// The row and the consumer's checkpoint are written in one transaction.
/// </summary>
public sealed class ReadModelConsumer(string name, IProjectionStore projections, TimeProvider timeProvider) : ICheckpointingConsumer
{
    /// <summary>The consumer kind in configuration.</summary>
    public const string Kind = "read-model";

    /// <summary>The projection's name in the store.</summary>
    public const string ProjectionName = "read-model";

    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    public Task HandleAsync(TransitionEvent transition, ConsumerContext context, CancellationToken cancellationToken) =>
        projections.UpsertAsync(ToRow(transition), cancellationToken);

    /// <inheritdoc />
    public Task<long> HandleAsync(TransitionEvent transition, ConsumerContext context, ConsumerCheckpoint checkpoint, CancellationToken cancellationToken) =>
        projections.UpsertAsync(ToRow(transition), checkpoint, cancellationToken);

    private ProjectionRow ToRow(TransitionEvent transition)
    {
        ArgumentNullException.ThrowIfNull(transition);
        var deleted = transition.Operation == IntentOperation.Delete;
        return new ProjectionRow(
            ProjectionName,
            transition.Resource.ScopedType,
            transition.ResourceId,
            transition.Version,
            deleted,
            deleted || transition.Document is not { } document ? null : JsonSerializer.Serialize(document),
            transition.OccurredAt,
            timeProvider.GetUtcNow());
    }
}
