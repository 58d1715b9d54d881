using OrleansConsistency.Storage;

namespace OrleansConsistency.Silo.Hosting;

/// <summary>A silo's settings, bound from the configuration section <c>Silo</c>.</summary>
public sealed class SiloHostOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Silo";

    /// <summary>The silo's name in logs and (in a cluster) in the membership table.</summary>
    public string Name { get; set; } = Environment.MachineName;

    /// <summary>Activations idle longer than this are deactivated; the next call reactivates them from storage. Default 15 minutes, as Orleans.</summary>
    public TimeSpan IdleDeactivationAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for; by default a quarter of the idle age (at most a minute).</summary>
    public TimeSpan? CollectionInterval { get; set; }

    /// <summary>The collection interval in force: <see cref="CollectionInterval"/>, or a quarter of the idle age (at most a minute).</summary>
    public TimeSpan EffectiveCollectionInterval =>
        CollectionInterval ?? TimeSpan.FromTicks(Math.Clamp(IdleDeactivationAge.Ticks / 4, 1, TimeSpan.FromMinutes(1).Ticks));

    /// <summary>
    /// The most calls that may wait in one activation's mailbox (default 1,000; null for no limit). A call past it is
    /// refused at once with Orleans' <c>LimitExceededException</c> and never runs: a hot grain sheds load instead of
    /// queueing without bound until every caller times out. Orleans counts every waiting request, interleaving ones too.
    /// </summary>
    public int? MaxMailboxLength { get; set; } = 1000;

    /// <summary>The port silos talk to each other on (Orleans' silo port). Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port Orleans clients (the stream subscriber sample, a remote API) connect to. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Orleans' cluster id: silos and clients with the same one form one cluster. Default <c>orleansconsistency</c>.</summary>
    public string ClusterId { get; set; } = "orleansconsistency";

    /// <summary>Orleans' service id, stable across deployments of the same service. Default <c>orleansconsistency</c>.</summary>
    public string ServiceId { get; set; } = "orleansconsistency";

    /// <summary>The timeout of a grain call when the caller sets no deadline (Orleans' response timeout). Default 30 seconds.</summary>
    public TimeSpan DefaultCallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long reading state and <c>OnActivateAsync</c> may take.</summary>
    public TimeSpan ActivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <c>OnDeactivateAsync</c> may take before the activation goes away regardless.</summary>
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether and how this silo joins a cluster of silos over PostgreSQL (section <c>Silo:Cluster</c>).</summary>
    public SiloClusterOptions Cluster { get; set; } = new();

    /// <summary>Where grain state, intents and events are stored.</summary>
    public StorageOptions Storage { get; set; } = new();

    /// <summary>Throws when a setting is out of range, with a message that names it.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public void Validate()
    {
        if (IdleDeactivationAge <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Silo:IdleDeactivationAge must be positive; it is {IdleDeactivationAge}.");
        }

        // Orleans collects in rounds of the interval and refuses an idle age that is not longer than one round.
        if (EffectiveCollectionInterval <= TimeSpan.Zero || EffectiveCollectionInterval >= IdleDeactivationAge)
        {
            throw new ArgumentException($"Silo:CollectionInterval must be positive and shorter than Silo:IdleDeactivationAge ({IdleDeactivationAge}); it is {EffectiveCollectionInterval}.");
        }

        if (MaxMailboxLength is < 1)
        {
            throw new ArgumentException($"Silo:MaxMailboxLength must be at least 1 when set; it is {MaxMailboxLength}.");
        }

        if (DefaultCallTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Silo:DefaultCallTimeout must be positive; it is {DefaultCallTimeout}.");
        }

        if (SiloPort is < 1 or > 65535)
        {
            throw new ArgumentException($"Silo:SiloPort must be a port from 1 to 65535; it is {SiloPort}.");
        }

        if (GatewayPort is < 0 or > 65535 || GatewayPort == SiloPort)
        {
            throw new ArgumentException($"Silo:GatewayPort must be 0 (no gateway) or a port from 1 to 65535 other than Silo:SiloPort; it is {GatewayPort}.");
        }

        if (string.IsNullOrWhiteSpace(ClusterId) || string.IsNullOrWhiteSpace(ServiceId))
        {
            throw new ArgumentException("Silo:ClusterId and Silo:ServiceId must not be empty.");
        }

        Storage.Validate();
        Cluster.Validate(Storage.IsPostgres);
    }
}
