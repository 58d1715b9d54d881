using OrleansConsistency.Grains.Interfaces.Resources;

namespace OrleansConsistency.Grains.Interfaces.Consumers;

/// <summary>
/// A downstream consumer of resource transitions (a read model, a webhook, application code). The silo calls it
/// once per event, per resource in version order, at least once: it must be idempotent by (resource, version). A
/// throw is retried with backoff; <see cref="PoisonEventException"/> gives up on the event at once.
/// </summary>
public interface IResourceConsumer
{
    /// <summary>The consumer's name, e.g. <c>read-model</c>; matches <c>Consumers:{name}</c> in configuration.</summary>
    string Name { get; }

    /// <summary>Handles one event. Return only when its effect is durable.</summary>
    /// <param name="transition">The event.</param>
    /// <param name="context">Which attempt this is and how much time it has.</param>
    /// <param name="cancellationToken">Cancelled at the attempt's deadline or when the silo stops.</param>
    Task HandleAsync(TransitionEvent transition, ConsumerContext context, CancellationToken cancellationToken);
}
