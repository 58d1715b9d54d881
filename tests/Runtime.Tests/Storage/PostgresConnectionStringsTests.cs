using Npgsql;
using OrleansConsistency.Runtime.Storage.Postgres;

namespace OrleansConsistency.Runtime.Tests.Storage;

public sealed class PostgresConnectionStringsTests
{
    [Fact]
    public void WithDefaults_NoMaxAutoPrepare_TurnsAutomaticPreparationOn()
    {
        var result = new NpgsqlConnectionStringBuilder(PostgresConnectionStrings.WithDefaults("Host=db;Database=app"));

        Assert.Equal(PostgresConnectionStrings.DefaultMaxAutoPrepare, result.MaxAutoPrepare);
        Assert.Equal("db", result.Host);
        Assert.Equal("app", result.Database);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;maxautoprepare=5", 5)]
    public void WithDefaults_MaxAutoPrepareConfigured_KeepsIt(string configured, int expected)
    {
        var result = new NpgsqlConnectionStringBuilder(PostgresConnectionStrings.WithDefaults(configured));

        Assert.Equal(expected, result.MaxAutoPrepare);
    }
}
