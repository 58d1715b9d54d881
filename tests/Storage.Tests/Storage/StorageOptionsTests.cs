using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Storage.Tests.Storage;

public sealed class StorageOptionsTests
{
    [Fact]
    public void Defaults_AreEmbeddedSqliteWithGroupCommitAndFullSync()
    {
        var options = new StorageOptions();

        Assert.Equal("sqlite", options.Provider);
        Assert.True(options.GroupCommit);
        Assert.Equal(256, options.MaxBatchSize);
        Assert.Equal(TimeSpan.Zero, options.MaxBatchDelay);
        Assert.Equal("FULL", options.SqliteSynchronous);
        options.Validate();
    }

    [Fact]
    public void Bind_FromSiloStorageSection_ReadsEverySetting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Silo:Storage:Provider"] = "postgresql",
            ["Silo:Storage:ConnectionString"] = "Host=db;Username=oc",
            ["Silo:Storage:GroupCommit"] = "false",
            ["Silo:Storage:MaxBatchSize"] = "64",
            ["Silo:Storage:MaxBatchDelay"] = "00:00:00.005",
            ["Silo:Storage:SqliteSynchronous"] = "NORMAL",
        }).Build();

        var options = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>()!;

        Assert.Equal("postgresql", options.Provider);
        Assert.Equal("Host=db;Username=oc", options.ConnectionString);
        Assert.False(options.GroupCommit);
        Assert.Equal(64, options.MaxBatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(5), options.MaxBatchDelay);
        Assert.Equal("NORMAL", options.SqliteSynchronous);
        options.Validate();
    }

    [Theory]
    [InlineData("mysql", null, 256, "FULL", "Provider 'mysql' is unknown")]
    [InlineData("postgresql", null, 256, "FULL", "ConnectionString is required")]
    [InlineData("sqlite", null, 0, "FULL", "MaxBatchSize must be at least 1")]
    [InlineData("sqlite", null, 256, "OFF", "SqliteSynchronous 'OFF' is not allowed")]
    public void Validate_InvalidSetting_ThrowsNamingIt(string provider, string? connectionString, int maxBatchSize, string synchronous, string expected)
    {
        var options = new StorageOptions
        {
            Provider = provider,
            ConnectionString = connectionString,
            MaxBatchSize = maxBatchSize,
            SqliteSynchronous = synchronous,
        };

        var exception = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
        Assert.Contains(expected, Assert.Single(new StorageOptionsValidator().Validate(null, options).Failures!), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => GrainStorageFactory.Create(options, null, TimeProvider.System, NullLoggerFactory.Instance));
    }
}
