using OrleansConsistency.Grains.Dependencies;

namespace OrleansConsistency.Api.Admin;

/// <summary>Every fault in force: per dependency, and storage's.</summary>
internal sealed record FaultsResponse(IReadOnlyDictionary<string, DependencyFaults> Dependencies, StorageFaultsResponse Storage);
