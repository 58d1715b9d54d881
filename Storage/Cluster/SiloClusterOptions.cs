namespace OrleansConsistency.Storage.Cluster;

/// <summary>
/// How a silo takes part in a cluster, bound from <c>Silo:Cluster</c>. Off by default: one silo on SQLite needs no
/// membership. On, the silo joins the Orleans cluster whose membership table is in the PostgreSQL storage, and also
/// registers in the project's own membership rows, which decide which silo runs which consumer partition.
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

    /// <summary>How often the silo renews its consumer-partition leases and reads the project's rows again. Default 3 seconds.</summary>
    public TimeSpan HeartbeatPeriod { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>A silo whose leases went unrenewed this long loses its consumer partitions. Default 10 seconds.</summary>
    public TimeSpan DeathTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The loopback (or private) address the silo advertises to the others and listens on.</summary>
    public string EndpointHost { get; set; } = "127.0.0.1";

    /// <summary>
    /// How many partitions each consumer's resources are split into (a stable hash of the resource id); each
    /// partition is leased by one live silo at a time. Default 16.
    /// </summary>
    public int ConsumerPartitions { get; set; } = 16;

    /// <summary>
    /// How often a silo reads the events table for events committed on other silos in partitions it leases, so they
    /// reach its consumers without waiting for the sweep. Default 200 ms.
    /// </summary>
    public TimeSpan ConsumerEventPollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How long a silo keeps running its consumer partitions after its last successful heartbeat: shorter than
    /// <see cref="DeathTimeout"/> by one heartbeat period, so it stops before any other silo can take them over.
    /// </summary>
    public TimeSpan OwnershipLease => DeathTimeout - HeartbeatPeriod;

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public void Validate(bool storageIsPostgres)
    {
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

        if (HeartbeatPeriod <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Silo:Cluster:HeartbeatPeriod must be positive; it is {HeartbeatPeriod}.");
        }

        if (DeathTimeout < HeartbeatPeriod * 2)
        {
            throw new ArgumentException($"Silo:Cluster:DeathTimeout must be at least twice Silo:Cluster:HeartbeatPeriod ({HeartbeatPeriod}); it is {DeathTimeout}.");
        }

        if (ConsumerPartitions is < 1 or > 4096)
        {
            throw new ArgumentException($"Silo:Cluster:ConsumerPartitions must be between 1 and 4096; it is {ConsumerPartitions}.");
        }

        if (ConsumerEventPollInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Silo:Cluster:ConsumerEventPollInterval must be positive; it is {ConsumerEventPollInterval}.");
        }

        if (!System.Net.IPAddress.TryParse(EndpointHost, out _))
        {
            throw new ArgumentException($"Silo:Cluster:EndpointHost must be an IP address (the silo advertises it to the others); it is '{EndpointHost}'.");
        }
    }
}
