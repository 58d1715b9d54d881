namespace OrleansConsistency.Api.Tests.Saga;

/// <summary>The saga tests run one after another: each starts its own API and services and loads the machine.</summary>
[CollectionDefinition(Name)]
public sealed class SagaCollection
{
    public const string Name = "saga";
}
