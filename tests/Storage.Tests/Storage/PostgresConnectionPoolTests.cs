using Npgsql;
using OrleansConsistency.Storage;
using OrleansConsistency.Storage.Postgres;
using static OrleansConsistency.Storage.Tests.Storage.TestWrites;

namespace OrleansConsistency.Storage.Tests.Storage;

public sealed class PostgresConnectionPoolTests
{
    [Fact]
    public async Task ManyConcurrentTransactions_OpenNoMoreConnectionsThanThePoolBound_AndAllCommit()
    {
        // Without group commit every write takes a connection of its own: the most connection-hungry load there is.
        var options = await StorageFixture.NewOptionsAsync(StorageOptions.PostgresProvider, o => o.GroupCommit = false);
        await using var storage = await StorageFixture.CreateStorageAsync(options);
        const int writers = 3 * PostgresConnectionStrings.DefaultMaxPoolSize;

        await Task.WhenAll(Enumerable.Range(0, writers).Select(i => storage.WriteAsync(State($"g{i}", null))));

        // The pool keeps its connections open after use, so the server still shows how many it opened.
        Assert.InRange(await CountStorageConnectionsAsync(options.ConnectionString!), 1, PostgresConnectionStrings.DefaultMaxPoolSize);
        Assert.Equal(writers, storage.Statistics.Transactions);
        Assert.NotNull(await storage.ReadAsync(TestGrainType, $"g{writers - 1}"));
    }

    private static async Task<long> CountStorageConnectionsAsync(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name = $2", connection)
        {
            Parameters = { new() { Value = database }, new() { Value = PostgresConnectionStrings.DefaultApplicationName } },
        };
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
