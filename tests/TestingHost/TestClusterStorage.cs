namespace OrleansConsistency.TestingHost;

/// <summary>Gives a test cluster fresh storage of a named provider: a new SQLite file, or a new database on the test PostgreSQL server.</summary>
public static class TestClusterStorage
{
    /// <summary>Points the builder at a fresh, empty database of the provider (<c>sqlite</c> or <c>postgresql</c>).</summary>
    public static async Task<TestClusterBuilder> UseFreshStorageAsync(this TestClusterBuilder builder, string provider)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (provider == Runtime.Storage.StorageOptions.PostgresProvider)
        {
            var server = await PostgresServer.StartAsync();
            return builder.UseStorage(provider, await server.CreateDatabaseAsync("cluster"));
        }

        // The builder's default: a SQLite file in the cluster's own directory.
        return builder.UseStorage(provider, connectionString: null);
    }
}
