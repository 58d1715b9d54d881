using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using OrleansConsistency.Runtime.Storage;

namespace OrleansConsistency.Runtime.Hosting;

/// <summary>A silo's settings, bound from the configuration section <c>Silo</c>.</summary>
public sealed class SiloOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Silo";

    /// <summary>The silo's name in logs and (in a cluster) in the membership table.</summary>
    public string Name { get; set; } = Environment.MachineName;

    /// <summary>Activations idle longer than this are deactivated; the next call reactivates them from storage. Default 15 minutes, as Orleans.</summary>
    public TimeSpan IdleDeactivationAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for; by default a quarter of the idle age (between 100 ms and 1 minute).</summary>
    public TimeSpan? CollectionInterval { get; set; }

    /// <summary>An optional cap on live activations: past it the least recently used idle ones are deactivated.</summary>
    public int? MaxActivations { get; set; }

    /// <summary>
    /// The most calls that may wait in one activation's mailbox (default 1,000; null for no limit). A call past it is
    /// refused at once with <see cref="GrainOverloadedException"/> and never runs: a hot grain sheds load instead of
    /// queueing without bound until every caller times out. Interleaving calls on a running activation do not queue.
    /// </summary>
    public int? MaxMailboxLength { get; set; } = 1000;

    /// <summary>The deadline of a grain call when the caller sets none. Default 30 seconds.</summary>
    public TimeSpan DefaultCallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long reading state and <c>OnActivateAsync</c> may take.</summary>
    public TimeSpan ActivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <c>OnDeactivateAsync</c> may take before the activation goes away regardless.</summary>
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether and how this silo joins a cluster of silos over PostgreSQL (section <c>Silo:Cluster</c>).</summary>
    public Cluster.ClusterOptions Cluster { get; set; } = new();

    /// <summary>Where grain state, intents and events are stored.</summary>
    public StorageOptions Storage { get; set; } = new();

    /// <summary>Assemblies searched for grain classes.</summary>
    public IList<Assembly> GrainAssemblies { get; } = [];

    /// <summary>How grain state is serialized. Add source-generated contexts to its TypeInfoResolverChain for speed.</summary>
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = new(JsonSerializerDefaults.Web)
    {
        // Explicit, so that contexts inserted ahead of it keep reflection as the fallback for other state types.
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    /// <summary>Throws when a setting is out of range, with a message that names it.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public void Validate()
    {
        if (IdleDeactivationAge <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Silo:IdleDeactivationAge must be positive; it is {IdleDeactivationAge}.");
        }

        if (MaxActivations is < 1)
        {
            throw new ArgumentException($"Silo:MaxActivations must be at least 1 when set; it is {MaxActivations}.");
        }

        if (MaxMailboxLength is < 1)
        {
            throw new ArgumentException($"Silo:MaxMailboxLength must be at least 1 when set; it is {MaxMailboxLength}.");
        }

        if (DefaultCallTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Silo:DefaultCallTimeout must be positive; it is {DefaultCallTimeout}.");
        }

        Storage.Validate();
        Cluster.Validate(Storage.IsPostgres);
        if (GrainAssemblies.Count == 0)
        {
            throw new ArgumentException("The silo has no grain assemblies: register the assembly holding the grain classes with AddGrains.");
        }
    }
}
