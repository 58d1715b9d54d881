using OrleansConsistency.Grains.Tests.Conflicts;

namespace OrleansConsistency.Grains.Tests.Properties.Conflicts;

/// <summary>One cluster for every property that needs real resource grains: starting one costs seconds, a case milliseconds.</summary>
[CollectionDefinition(Name)]
public sealed class ConflictPropertiesCollection : ICollectionFixture<ConflictCluster>
{
    public const string Name = "Conflict properties";
}
