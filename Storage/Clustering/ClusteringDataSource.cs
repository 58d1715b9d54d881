using Npgsql;

namespace OrleansConsistency.Storage.Clustering;

/// <summary>The connection pools of the membership table and the gateway list.</summary>
internal static class ClusteringDataSource
{
    /// <summary>
    /// How long opening a connection or running one statement may take, in seconds. Orleans retries a failed
    /// membership operation on its own schedule, so a database that stopped answering should fail the operation
    /// quickly rather than hold it (and the silo's view of the cluster) for Npgsql's default 15 s or 30 s.
    /// </summary>
    public const int TimeoutSeconds = 5;

    /// <summary>
    /// A data source of its own over <paramref name="connectionString"/> (which may be the storage's): its own,
    /// small pool, so heartbeats and membership votes never wait behind the storage's group commit or exhaust the
    /// server's connections; its own application name, so its sessions can be told apart in <c>pg_stat_activity</c>;
    /// and short timeouts. Everything else (host, credentials, TLS) is taken as configured.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string is not a valid Npgsql connection string.</exception>
    public static NpgsqlDataSource Create(string connectionString, string applicationName, int maxPoolSize)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            ApplicationName = applicationName,
            Pooling = true,
            MaxPoolSize = maxPoolSize,
            Timeout = TimeoutSeconds,
            CommandTimeout = TimeoutSeconds,
        };
        builder.MinPoolSize = Math.Min(builder.MinPoolSize, maxPoolSize);
        return new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }
}
