namespace OrleansConsistency.Grains.Interfaces.Consumers;

/// <summary>A consumer as an operator sees it.</summary>
/// <param name="Name">The consumer's name.</param>
/// <param name="Paused">True while paused.</param>
/// <param name="Breaker">The circuit breaker: <c>closed</c>, <c>open</c> or <c>half-open</c>.</param>
/// <param name="InFlight">Resources being handled now.</param>
/// <param name="Backlog">Resources with events waiting.</param>
public sealed record ConsumerState(string Name, bool Paused, string Breaker, int InFlight, int Backlog);
