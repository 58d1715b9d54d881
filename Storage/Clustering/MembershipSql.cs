namespace OrleansConsistency.Storage.Clustering;

/// <summary>
/// The SQL of the Orleans membership table and gateway list (tables of PostgreSQL migration 4). Parameters are named;
/// every statement is scoped to one cluster id.
/// </summary>
internal static class MembershipSql
{
    /// <summary>The columns of a membership row, in the order <see cref="MembershipRows"/> reads them.</summary>
    private const string RowColumns = """
        m.address, m.port, m.generation, m.status, m.proxy_port, m.silo_name, m.host_name, m.role_name,
        m.update_zone, m.fault_zone, m.suspect_times, m.start_time, m.i_am_alive_time, m.etag
        """;

    /// <summary>
    /// Creates the cluster's version row at version 0 unless it exists. ON CONFLICT makes silos that start at the same
    /// moment safe: the later ones wait for the first insert's commit and then do nothing.
    /// </summary>
    public const string InsertVersion = """
        INSERT INTO orleans_membership_version (cluster_id, version, etag)
        VALUES (@cluster_id, 0, nextval('orleans_membership_etag_seq'))
        ON CONFLICT (cluster_id) DO NOTHING
        """;

    /// <summary>
    /// The version and all rows of the cluster in one statement, hence one snapshot. The version row drives the join,
    /// so an initialized cluster without silos still yields its version (with null row columns), and a cluster
    /// without a version row yields nothing.
    /// </summary>
    public const string ReadAll = $"""
        SELECT v.version, v.etag, {RowColumns}
        FROM orleans_membership_version v
        LEFT JOIN orleans_membership m ON m.cluster_id = v.cluster_id
        WHERE v.cluster_id = @cluster_id
        """;

    /// <summary>As <see cref="ReadAll"/>, for one silo.</summary>
    public const string ReadRow = $"""
        SELECT v.version, v.etag, {RowColumns}
        FROM orleans_membership_version v
        LEFT JOIN orleans_membership m ON m.cluster_id = v.cluster_id
            AND m.address = @address AND m.port = @port AND m.generation = @generation
        WHERE v.cluster_id = @cluster_id
        """;

    /// <summary>
    /// The compare-and-swap of the table version that every InsertRow and UpdateRow starts with. It locks the version
    /// row until the transaction ends, so all writers of one cluster queue here, in the same lock order (version row,
    /// then silo row), and cannot deadlock one another.
    /// </summary>
    public const string SwapVersion = """
        UPDATE orleans_membership_version
        SET version = @version, etag = nextval('orleans_membership_etag_seq')
        WHERE cluster_id = @cluster_id AND etag = @version_etag
        """;

    /// <summary>Inserts the silo's row; no row is affected when it exists already (the transaction is then rolled back).</summary>
    public const string InsertRow = """
        INSERT INTO orleans_membership (
            cluster_id, address, port, generation, silo_name, host_name, role_name, update_zone, fault_zone, status,
            proxy_port, suspect_times, last_suspect_time, start_time, i_am_alive_time, etag)
        VALUES (
            @cluster_id, @address, @port, @generation, @silo_name, @host_name, @role_name, @update_zone, @fault_zone, @status,
            @proxy_port, @suspect_times, @last_suspect_time, @start_time, @i_am_alive_time, nextval('orleans_membership_etag_seq'))
        ON CONFLICT (cluster_id, address, port, generation) DO NOTHING
        """;

    /// <summary>
    /// Replaces every column of the silo's row but its key when the row's etag still matches; no row is affected
    /// otherwise (the transaction is then rolled back).
    /// </summary>
    public const string UpdateRow = """
        UPDATE orleans_membership
        SET silo_name = @silo_name, host_name = @host_name, role_name = @role_name, update_zone = @update_zone,
            fault_zone = @fault_zone, status = @status, proxy_port = @proxy_port, suspect_times = @suspect_times,
            last_suspect_time = @last_suspect_time, start_time = @start_time, i_am_alive_time = @i_am_alive_time,
            etag = nextval('orleans_membership_etag_seq')
        WHERE cluster_id = @cluster_id AND address = @address AND port = @port AND generation = @generation
            AND etag = @etag
        """;

    /// <summary>
    /// The heartbeat: a dirty write of the i-am-alive time only. It leaves the row's etag alone, so a heartbeat never
    /// makes another silo's concurrent UpdateRow (a suspicion vote, say) fail and retry.
    /// </summary>
    public const string UpdateIAmAlive = """
        UPDATE orleans_membership SET i_am_alive_time = @i_am_alive_time
        WHERE cluster_id = @cluster_id AND address = @address AND port = @port AND generation = @generation
        """;

    /// <summary>Deletes the cluster's version row, and with it (ON DELETE CASCADE) all its silo rows.</summary>
    public const string DeleteCluster = "DELETE FROM orleans_membership_version WHERE cluster_id = @cluster_id";

    /// <summary>
    /// Deletes the Dead rows last updated before the cut-off, "last updated" being, as in Orleans' own
    /// MembershipEntry.EffectiveUpdateTime, the latest of start, i-am-alive and suspicion-vote times (GREATEST skips a
    /// null last_suspect_time). With i-am-alive alone, a silo declared dead just now after a long silence would be
    /// deleted although Orleans' cleanup agent meant to keep the most recently updated dead rows.
    /// </summary>
    public const string CleanupDefunct = """
        DELETE FROM orleans_membership
        WHERE cluster_id = @cluster_id AND status = @dead
            AND GREATEST(start_time, i_am_alive_time, last_suspect_time) < @before
        """;

    /// <summary>The gateways clients may connect to: active silos that listen for clients.</summary>
    public const string Gateways = """
        SELECT address, proxy_port, generation FROM orleans_membership
        WHERE cluster_id = @cluster_id AND status = @active AND proxy_port > 0
        """;
}
