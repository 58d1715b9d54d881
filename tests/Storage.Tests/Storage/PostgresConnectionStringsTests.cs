using Npgsql;
using OrleansConsistency.Storage.Postgres;

namespace OrleansConsistency.Storage.Tests.Storage;

public sealed class PostgresConnectionStringsTests
{
    [Fact]
    public void WithDefaults_NothingConfigured_PreparesBoundsThePoolAndNamesTheConnections()
    {
        var result = new NpgsqlConnectionStringBuilder(PostgresConnectionStrings.WithDefaults("Host=db;Database=app"));

        Assert.Equal(PostgresConnectionStrings.DefaultMaxAutoPrepare, result.MaxAutoPrepare);
        Assert.Equal(PostgresConnectionStrings.DefaultMaxPoolSize, result.MaxPoolSize);
        Assert.Equal(PostgresConnectionStrings.DefaultApplicationName, result.ApplicationName);
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

    [Theory]
    [InlineData("Host=db;Maximum Pool Size=100", 100)]
    [InlineData("Host=db;maxpoolsize=5", 5)]
    [InlineData("Host=db;Minimum Pool Size=30", 30)]
    public void WithDefaults_PoolSizeConfigured_KeepsIt(string configured, int expected)
    {
        var result = new NpgsqlConnectionStringBuilder(PostgresConnectionStrings.WithDefaults(configured));

        Assert.Equal(expected, result.MaxPoolSize);
    }

    [Fact]
    public void WithDefaults_ApplicationNameConfigured_KeepsIt()
    {
        var result = new NpgsqlConnectionStringBuilder(PostgresConnectionStrings.WithDefaults("Host=db;Application Name=billing"));

        Assert.Equal("billing", result.ApplicationName);
    }
}
