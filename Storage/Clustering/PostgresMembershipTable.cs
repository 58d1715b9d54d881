using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;

namespace OrleansConsistency.Storage.Clustering;

/// <summary>
/// Orleans' membership table on the product's PostgreSQL (tables of migration 4: <c>orleans_membership_version</c>
/// and <c>orleans_membership</c>), the silo side of <see cref="PostgresClusteringExtensions.UsePostgresClustering(Orleans.Hosting.ISiloBuilder, string)"/>.
/// Orleans' membership protocol (probes, votes, death declarations) runs on top of it; this class only stores rows
/// with the contract's atomicity: reads see rows and table version from one snapshot, and every insert or update of a
/// row commits together with a compare-and-swap of the table version, or not at all.
/// </summary>
/// <remarks>
/// Etags, of rows and of the table version, are numbers drawn from one database sequence, as invariant strings. The
/// schema must have been migrated (<see cref="Migrations.StorageMigrator"/>) before the silo starts.
/// </remarks>
public sealed class PostgresMembershipTable : IMembershipTable, IAsyncDisposable, IDisposable
{
    /// <summary>The application name of this table's connections in <c>pg_stat_activity</c>.</summary>
    public const string ApplicationName = "orleans-membership";

    /// <summary>
    /// The most connections the table opens. Orleans issues few membership operations at once (a heartbeat, a table
    /// refresh, the odd vote), and InsertRow and UpdateRow queue on the version row's lock in the database anyway.
    /// </summary>
    public const int MaxPoolSize = 4;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _clusterId;
    private readonly ILogger _logger;

    /// <summary>Creates the table over its own small connection pool.</summary>
    /// <param name="connectionString">The Npgsql connection string of the product's database; pool size, application
    /// name and timeouts are replaced by this table's own.</param>
    /// <param name="clusterOptions">Orleans' cluster options: the rows are those of <see cref="ClusterOptions.ClusterId"/>.</param>
    /// <param name="logger">The logger.</param>
    /// <exception cref="ArgumentException">The connection string or the cluster id is empty or invalid.</exception>
    public PostgresMembershipTable(string connectionString, IOptions<ClusterOptions> clusterOptions, ILogger<PostgresMembershipTable> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(clusterOptions);
        ArgumentNullException.ThrowIfNull(logger);
        var clusterId = clusterOptions.Value.ClusterId;
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId, nameof(clusterOptions));
        _clusterId = clusterId;
        _logger = logger;
        _dataSource = ClusteringDataSource.Create(connectionString, ApplicationName, MaxPoolSize);
    }

    /// <inheritdoc />
    public Task InitializeMembershipTable(bool tryInitTableVersion) =>
        InitializeMembershipTableAsync(tryInitTableVersion, CancellationToken.None);

    /// <summary>
    /// When <paramref name="tryInitTableVersion"/> is true, creates the cluster's table version (version 0) unless it
    /// exists. Any number of silos may do so at the same moment.
    /// </summary>
    /// <param name="tryInitTableVersion">Whether to create the table version.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="InvalidOperationException">The membership tables do not exist: the database was not migrated.</exception>
    public async Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken = default)
    {
        if (!tryInitTableVersion)
        {
            return;
        }

        await using var command = _dataSource.CreateCommand(MembershipSql.InsertVersion);
        command.Parameters.Add(MembershipRows.Text("cluster_id", _clusterId));
        try
        {
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
            {
                ClusteringLog.VersionCreated(_logger, _clusterId);
            }
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // This is the first membership call of a silo's start, so say what is missing instead of "relation does not exist".
            throw new InvalidOperationException(
                "The Orleans membership tables do not exist in the database: apply the storage migrations (StorageMigrator, " +
                "PostgreSQL migration 4 'orleans membership') before starting the silo.", exception);
        }
    }

    /// <inheritdoc />
    public Task<MembershipTableData> ReadAll() => ReadAllAsync(CancellationToken.None);

    /// <summary>Reads every row of the cluster and the table version, from one snapshot.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The rows with their etags, and the table version. For a cluster without a table version (not initialized,
    /// or deleted), no rows and a version whose etag matches nothing.</returns>
    public async Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(MembershipSql.ReadAll);
        command.Parameters.Add(MembershipRows.Text("cluster_id", _clusterId));
        var table = await MembershipRows.ReadAsync(command, OnMalformedVote, cancellationToken).ConfigureAwait(false);
        return table is { } read ? new MembershipTableData(read.Members, read.Version) : Missing();
    }

    /// <inheritdoc />
    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadRowAsync(key, CancellationToken.None);

    /// <summary>Reads one silo's row (if any) and the table version, from one snapshot.</summary>
    /// <param name="key">The silo.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The silo's row with its etag, or no row, and the table version (see <see cref="ReadAllAsync"/>).</returns>
    public async Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var command = _dataSource.CreateCommand(MembershipSql.ReadRow);
        MembershipRows.AddKey(command.Parameters, _clusterId, key);
        var table = await MembershipRows.ReadAsync(command, OnMalformedVote, cancellationToken).ConfigureAwait(false);
        return table switch
        {
            null => Missing(),
            ({ } version, [var member]) => new MembershipTableData(member, version),
            ({ } version, _) => new MembershipTableData(version),
        };
    }

    /// <inheritdoc />
    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) =>
        InsertRowAsync(entry, tableVersion, CancellationToken.None);

    /// <summary>
    /// Inserts the silo's row and sets the table version to <paramref name="tableVersion"/>'s version, atomically, if
    /// the table version's etag is still <see cref="TableVersion.VersionEtag"/> and the row does not exist yet.
    /// </summary>
    /// <param name="entry">The new row.</param>
    /// <param name="tableVersion">The new version, with the etag of the version it was read as.</param>
    /// <param name="cancellationToken">Cancels the operation; its outcome is then unknown, as after any failure.</param>
    /// <returns>True when inserted; false, with nothing changed, when the row existed or the version etag did not match.</returns>
    public Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        return WriteAsync(MembershipSql.InsertRow, entry, rowEtag: null, tableVersion, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) =>
        UpdateRowAsync(entry, etag, tableVersion, CancellationToken.None);

    /// <summary>
    /// Replaces the silo's row (all but its key) and sets the table version to <paramref name="tableVersion"/>'s
    /// version, atomically, if the row's etag is still <paramref name="etag"/> and the table version's etag is still
    /// <see cref="TableVersion.VersionEtag"/>.
    /// </summary>
    /// <param name="entry">The row's new content.</param>
    /// <param name="etag">The etag the row was read with.</param>
    /// <param name="tableVersion">The new version, with the etag of the version it was read as.</param>
    /// <param name="cancellationToken">Cancels the operation; its outcome is then unknown, as after any failure.</param>
    /// <returns>True when updated; false, with nothing changed, when the row is missing or either etag did not match.</returns>
    public Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        if (!MembershipRows.TryParseEtag(etag, out var rowEtag))
        {
            return Task.FromResult(false);
        }

        return WriteAsync(MembershipSql.UpdateRow, entry, rowEtag, tableVersion, cancellationToken);
    }

    /// <inheritdoc />
    public Task UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry, CancellationToken.None);

    /// <summary>
    /// Writes the silo's i-am-alive time, and nothing else: no etag is checked or changed, nor the table version. A
    /// missing row is not an error (the contract allows no semantic failure here).
    /// </summary>
    /// <param name="entry">The silo and its new i-am-alive time.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var command = _dataSource.CreateCommand(MembershipSql.UpdateIAmAlive);
        MembershipRows.AddKey(command.Parameters, _clusterId, entry.SiloAddress);
        command.Parameters.Add(MembershipRows.Time("i_am_alive_time", entry.IAmAliveTime));
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            ClusteringLog.IAmAliveWithoutRow(_logger, entry.SiloAddress.ToString(), _clusterId);
        }
    }

    /// <inheritdoc />
    public Task DeleteMembershipTableEntries(string clusterId) =>
        DeleteMembershipTableEntriesAsync(clusterId, CancellationToken.None);

    /// <summary>Deletes every row and the table version of the given cluster (which need not be this table's).</summary>
    /// <param name="clusterId">The cluster.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public async Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clusterId);

        // Deleting the version row first (its rows follow by cascade) takes the same lock order as the writers.
        await using var command = _dataSource.CreateCommand(MembershipSql.DeleteCluster);
        command.Parameters.Add(MembershipRows.Text("cluster_id", clusterId));
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0)
        {
            ClusteringLog.ClusterDeleted(_logger, clusterId);
        }
    }

    /// <inheritdoc />
    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) =>
        CleanupDefunctSiloEntriesAsync(beforeDate, CancellationToken.None);

    /// <summary>
    /// Deletes the cluster's Dead rows last updated before <paramref name="beforeDate"/>: the latest of their start,
    /// i-am-alive and suspicion-vote times, as Orleans' cleanup agent measures "last updated" when it picks the date.
    /// Rows of silos in any other status are kept, however old. The table version is not changed.
    /// </summary>
    /// <param name="beforeDate">The cut-off.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public async Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(MembershipSql.CleanupDefunct);
        command.Parameters.Add(MembershipRows.Text("cluster_id", _clusterId));
        command.Parameters.Add(MembershipRows.Integer("dead", (int)SiloStatus.Dead));
        command.Parameters.Add(MembershipRows.Time("before", beforeDate.UtcDateTime));
        var deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (deleted > 0)
        {
            ClusteringLog.DefunctDeleted(_logger, deleted, _clusterId, beforeDate);
        }
    }

    /// <summary>Closes the table's connections.</summary>
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    /// <summary>Closes the table's connections.</summary>
    public void Dispose() => _dataSource.Dispose();

    /// <summary>
    /// The shared body of InsertRow and UpdateRow: in one transaction, the compare-and-swap of the table version, then
    /// (only if it matched) the row's insert or etag-checked update. Both must affect exactly one row, or the
    /// transaction is rolled back and nothing changed. The swap runs first and locks the version row, so concurrent
    /// writers of the cluster are serialized there: of several writers holding the same version etag, the first wins
    /// and the others find the etag changed once they get the lock.
    /// </summary>
    private async Task<bool> WriteAsync(string rowSql, MembershipEntry entry, long? rowEtag, TableVersion tableVersion, CancellationToken cancellationToken)
    {
        if (!MembershipRows.TryParseEtag(tableVersion.VersionEtag, out var versionEtag))
        {
            return false;
        }

        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // Two round trips rather than one batch: the row statement must not even run when the swap failed
                // (for a cluster without a version row, the insert would violate the foreign key and throw).
                await using (var swap = new NpgsqlCommand(MembershipSql.SwapVersion, connection, transaction))
                {
                    swap.Parameters.Add(MembershipRows.Text("cluster_id", _clusterId));
                    swap.Parameters.Add(MembershipRows.Integer("version", tableVersion.Version));
                    swap.Parameters.Add(MembershipRows.Bigint("version_etag", versionEtag));
                    if (await swap.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
                    {
                        await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                        return false;
                    }
                }

                await using (var row = new NpgsqlCommand(rowSql, connection, transaction))
                {
                    MembershipRows.AddEntry(row.Parameters, _clusterId, entry);
                    if (rowEtag is { } etag)
                    {
                        row.Parameters.Add(MembershipRows.Bigint("etag", etag));
                    }

                    if (await row.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
                    {
                        await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                        return false;
                    }
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
        }
    }

    private MembershipTableData Missing()
    {
        ClusteringLog.VersionMissing(_logger, _clusterId);
        return new MembershipTableData(new TableVersion(0, MembershipRows.MissingVersionEtag));
    }

    private void OnMalformedVote(string vote, SiloAddress silo) => ClusteringLog.MalformedVote(_logger, vote, silo.ToString(), _clusterId);
}
