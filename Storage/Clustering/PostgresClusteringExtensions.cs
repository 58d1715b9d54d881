using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Messaging;

namespace OrleansConsistency.Storage.Clustering;

/// <summary>
/// Orleans clustering on the product's PostgreSQL, in place of Microsoft.Orleans.Clustering.AdoNet: silos keep the
/// membership table with <see cref="PostgresMembershipTable"/>, clients find gateways with
/// <see cref="PostgresGatewayListProvider"/>. Both need the database migrated to PostgreSQL migration 4.
/// </summary>
public static class PostgresClusteringExtensions
{
    /// <summary>
    /// Makes the silo keep Orleans' membership table in PostgreSQL (registers <see cref="IMembershipTable"/>), for the
    /// cluster of the silo's <see cref="ClusterOptions.ClusterId"/>. Use it instead of any other clustering.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="connectionString">The Npgsql connection string (e.g. the storage's); the table opens its own pool.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The connection string is empty or not a valid Npgsql connection string.</exception>
    public static ISiloBuilder UsePostgresClustering(this ISiloBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Validate(connectionString);
        builder.Services.AddSingleton<IMembershipTable>(services => new PostgresMembershipTable(
            connectionString,
            services.GetRequiredService<IOptions<ClusterOptions>>(),
            services.GetRequiredService<ILogger<PostgresMembershipTable>>()));
        return builder;
    }

    /// <summary>
    /// Makes the client find the cluster's gateways in the PostgreSQL membership table (registers
    /// <see cref="IGatewayListProvider"/>), for the client's <see cref="ClusterOptions.ClusterId"/>.
    /// </summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="connectionString">The Npgsql connection string of the silos' membership database.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The connection string is empty or not a valid Npgsql connection string.</exception>
    public static IClientBuilder UsePostgresClustering(this IClientBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Validate(connectionString);
        builder.Services.AddSingleton<IGatewayListProvider>(services => new PostgresGatewayListProvider(
            connectionString,
            services.GetRequiredService<IOptions<ClusterOptions>>(),
            services.GetRequiredService<IOptions<GatewayOptions>>(),
            services.GetRequiredService<ILogger<PostgresGatewayListProvider>>()));
        return builder;
    }

    // A typo in the connection string should stop the host at configuration, not at the first membership call.
    private static void Validate(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _ = new NpgsqlConnectionStringBuilder(connectionString);
    }
}
