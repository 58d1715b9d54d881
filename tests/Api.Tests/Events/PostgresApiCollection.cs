namespace OrleansConsistency.Api.Tests.Events;

[CollectionDefinition(Name)]
public sealed class PostgresApiCollection : ICollectionFixture<PostgresApiFactory>
{
    public const string Name = "api-postgres";
}
