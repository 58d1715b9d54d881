namespace OrleansConsistency.Silo.Hosting;

/// <summary>
/// How a silo takes part in a cluster, bound from <c>Silo:Cluster</c>. Off by default: one silo on SQLite needs no
/// membership. On, the silo joins the Orleans cluster whose membership table is in the PostgreSQL storage; Orleans'
/// stream queue balancing then decides which silo reads which part of the event log.
/// </summary>
public sealed class SiloClusterOptions
{
    /// <summary>True to join the cluster whose membership table is in the silo's PostgreSQL storage.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// True for a pure cluster client (e.g. the API in front of remote silos): an Orleans client that finds the
    /// gateways in the membership table; it hosts no grains and runs no consumers.
    /// </summary>
    public bool ClientOnly { get; set; }

    /// <summary>The loopback (or private) address the silo advertises to the others and listens on.</summary>
    public string EndpointHost { get; set; } = "127.0.0.1";

    /// <summary>Orleans' failure detection (section <c>Silo:Cluster:Membership</c>); Orleans' defaults where unset.</summary>
    public ClusterMembershipSettings Membership { get; set; } = new();

    /// <summary>TLS on silo-to-silo and client-to-gateway connections (section <c>Silo:Cluster:Tls</c>); off by default.</summary>
    public ClusterTlsSettings Tls { get; set; } = new();

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public void Validate(bool storageIsPostgres)
    {
        // Before the cluster checks: a single silo's gateway may be encrypted too.
        Tls.Validate();
        if (!Enabled)
        {
            if (ClientOnly)
            {
                throw new ArgumentException("Silo:Cluster:ClientOnly needs Silo:Cluster:Enabled=true: a cluster client needs a cluster.");
            }

            return;
        }

        if (!storageIsPostgres)
        {
            throw new ArgumentException("Silo:Cluster:Enabled needs Silo:Storage:Provider=postgresql: the membership table lives in PostgreSQL.");
        }

        if (!System.Net.IPAddress.TryParse(EndpointHost, out _))
        {
            throw new ArgumentException($"Silo:Cluster:EndpointHost must be an IP address (the silo advertises it to the others); it is '{EndpointHost}'.");
        }

        Membership.Validate();
    }
}
