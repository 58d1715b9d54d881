using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Runtime;

namespace OrleansConsistency.Storage.Clustering;

/// <summary>
/// The gateways of a cluster for Orleans clients, read from the membership rows <see cref="PostgresMembershipTable"/>
/// keeps: the client side of <see cref="PostgresClusteringExtensions.UsePostgresClustering(Orleans.Hosting.IClientBuilder, string)"/>.
/// </summary>
public sealed class PostgresGatewayListProvider : IGatewayListProvider, IAsyncDisposable, IDisposable
{
    /// <summary>The application name of this provider's connections in <c>pg_stat_activity</c>.</summary>
    public const string ApplicationName = "orleans-gateway-list";

    /// <summary>
    /// The most connections the provider opens: a client reads the list once per refresh period, one query at a time,
    /// and there may be many clients per database.
    /// </summary>
    public const int MaxPoolSize = 2;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _clusterId;
    private readonly ILogger _logger;

    /// <summary>Creates the provider over its own small connection pool.</summary>
    /// <param name="connectionString">The Npgsql connection string of the product's database; pool size, application
    /// name and timeouts are replaced by this provider's own.</param>
    /// <param name="clusterOptions">Orleans' cluster options: the gateways are those of <see cref="ClusterOptions.ClusterId"/>.</param>
    /// <param name="gatewayOptions">Orleans' gateway options: <see cref="GatewayOptions.GatewayListRefreshPeriod"/> is
    /// the <see cref="MaxStaleness"/>.</param>
    /// <param name="logger">The logger.</param>
    /// <exception cref="ArgumentException">The connection string or the cluster id is empty or invalid.</exception>
    public PostgresGatewayListProvider(
        string connectionString,
        IOptions<ClusterOptions> clusterOptions,
        IOptions<GatewayOptions> gatewayOptions,
        ILogger<PostgresGatewayListProvider> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(clusterOptions);
        ArgumentNullException.ThrowIfNull(gatewayOptions);
        ArgumentNullException.ThrowIfNull(logger);
        var clusterId = clusterOptions.Value.ClusterId;
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId, nameof(clusterOptions));
        _clusterId = clusterId;
        _logger = logger;
        MaxStaleness = gatewayOptions.Value.GatewayListRefreshPeriod;
        _dataSource = ClusteringDataSource.Create(connectionString, ApplicationName, MaxPoolSize);
    }

    /// <summary>How often the client reads the list again: Orleans' <see cref="GatewayOptions.GatewayListRefreshPeriod"/>.</summary>
    public TimeSpan MaxStaleness { get; }

    /// <summary>True: the list follows the membership table.</summary>
    public bool IsUpdatable => true;

    /// <inheritdoc />
    public Task InitializeGatewayListProvider() => InitializeGatewayListProviderAsync(CancellationToken.None);

    /// <summary>Nothing to prepare: connections are opened on the first read.</summary>
    /// <param name="cancellationToken">Unused.</param>
    public Task InitializeGatewayListProviderAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    public Task<IList<Uri>> GetGateways() => GetGatewaysAsync(CancellationToken.None);

    /// <summary>
    /// The gateway URIs (<c>gwy.tcp://ip:proxyPort/generation</c>) of the cluster's Active silos that accept clients
    /// (proxy port above 0). Joining, stopping and dead silos are left out, so a client never picks one that is not
    /// ready or about to go.
    /// </summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The gateways, in no particular order; empty when none is active.</returns>
    public async Task<IList<Uri>> GetGatewaysAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(MembershipSql.Gateways);
        command.Parameters.Add(MembershipRows.Text("cluster_id", _clusterId));
        command.Parameters.Add(MembershipRows.Integer("active", (int)SiloStatus.Active));
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var gateways = new List<Uri>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                gateways.Add(SiloAddress.New(IPAddress.Parse(reader.GetString(0)), reader.GetInt32(1), reader.GetInt32(2)).ToGatewayUri());
            }

            if (gateways.Count == 0)
            {
                ClusteringLog.NoGateways(_logger, _clusterId);
            }

            return gateways;
        }
    }

    /// <summary>Closes the provider's connections.</summary>
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    /// <summary>Closes the provider's connections.</summary>
    public void Dispose() => _dataSource.Dispose();
}
