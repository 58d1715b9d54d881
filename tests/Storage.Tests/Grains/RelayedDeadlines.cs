namespace OrleansConsistency.Storage.Tests.Grains;

/// <summary>The deadlines of a relayed call: as the relay received it, and as its nested call carried it on.</summary>
[GenerateSerializer]
[Alias("oc.tests.RelayedDeadlines")]
public sealed record RelayedDeadlines(
    [property: Id(0)] DateTimeOffset? Received,
    [property: Id(1)] DateTimeOffset? Nested);
