using Microsoft.Extensions.Configuration;
using Orleans.Configuration;

namespace OrleansConsistency.Silo.Hosting;

/// <summary>
/// Orleans' failure detection for a silo in a cluster, bound from <c>Silo:Cluster:Membership</c>. Each setting is the
/// Orleans <see cref="ClusterMembershipOptions"/> property of the same name; one left unset keeps Orleans' default.
/// Only these are accepted, so that a misspelt key stops the silo instead of being ignored, and the values are checked
/// together, because some combinations mean a dead silo is never declared dead.
/// </summary>
public sealed class ClusterMembershipSettings
{
    private static readonly ClusterMembershipOptions OrleansDefaults = new();

    private static readonly string[] Names =
    [
        nameof(ProbeTimeout), nameof(NumMissedProbesLimit), nameof(NumProbedSilos), nameof(NumVotesForDeathDeclaration),
        nameof(DeathVoteExpirationTimeout), nameof(TableRefreshTimeout), nameof(IAmAliveTablePublishTimeout),
        nameof(MaxJoinAttemptTime), nameof(DefunctSiloExpiration),
    ];

    /// <summary>How long a probe of another silo may take before it counts as missed.</summary>
    public TimeSpan? ProbeTimeout { get; set; }

    /// <summary>Missed probes in a row after which a silo votes the probed silo dead.</summary>
    public int? NumMissedProbesLimit { get; set; }

    /// <summary>How many other silos each silo probes.</summary>
    public int? NumProbedSilos { get; set; }

    /// <summary>Votes that declare a silo dead (fewer when fewer silos are active).</summary>
    public int? NumVotesForDeathDeclaration { get; set; }

    /// <summary>How long a vote counts; older votes are ignored.</summary>
    public TimeSpan? DeathVoteExpirationTimeout { get; set; }

    /// <summary>How often each silo reads the whole membership table even when nothing told it of a change.</summary>
    public TimeSpan? TableRefreshTimeout { get; set; }

    /// <summary>How often a silo writes its <c>IAmAliveTime</c> (read by operators and by joining silos).</summary>
    public TimeSpan? IAmAliveTablePublishTimeout { get; set; }

    /// <summary>How long a starting silo keeps trying to join before it gives up.</summary>
    public TimeSpan? MaxJoinAttemptTime { get; set; }

    /// <summary>How long rows of dead silos stay in the membership table.</summary>
    public TimeSpan? DefunctSiloExpiration { get; set; }

    /// <summary>The probe timeout in force: the setting, or Orleans' default.</summary>
    public TimeSpan EffectiveProbeTimeout => ProbeTimeout ?? OrleansDefaults.ProbeTimeout;

    /// <summary>The missed-probe limit in force.</summary>
    public int EffectiveNumMissedProbesLimit => NumMissedProbesLimit ?? OrleansDefaults.NumMissedProbesLimit;

    /// <summary>The number of probed silos in force.</summary>
    public int EffectiveNumProbedSilos => NumProbedSilos ?? OrleansDefaults.NumProbedSilos;

    /// <summary>The votes for a death declaration in force.</summary>
    public int EffectiveNumVotesForDeathDeclaration => NumVotesForDeathDeclaration ?? OrleansDefaults.NumVotesForDeathDeclaration;

    /// <summary>The vote expiry in force.</summary>
    public TimeSpan EffectiveDeathVoteExpirationTimeout => DeathVoteExpirationTimeout ?? OrleansDefaults.DeathVoteExpirationTimeout;

    /// <summary>Throws when a key under <paramref name="section"/> is not one of these settings, naming it.</summary>
    /// <exception cref="ArgumentException">An unknown key.</exception>
    public static void RefuseUnknownKeys(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        foreach (var child in section.GetChildren())
        {
            if (!Names.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"{section.Path}:{child.Key} is not a membership setting; the settings are {string.Join(", ", Names)}.");
            }
        }
    }

    /// <summary>Throws when a value is out of range or the values together could never declare a dead silo dead.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public void Validate()
    {
        Positive(nameof(ProbeTimeout), ProbeTimeout);
        Positive(nameof(DeathVoteExpirationTimeout), DeathVoteExpirationTimeout);
        Positive(nameof(TableRefreshTimeout), TableRefreshTimeout);
        Positive(nameof(IAmAliveTablePublishTimeout), IAmAliveTablePublishTimeout);
        Positive(nameof(MaxJoinAttemptTime), MaxJoinAttemptTime);
        Positive(nameof(DefunctSiloExpiration), DefunctSiloExpiration);
        AtLeastOne(nameof(NumMissedProbesLimit), NumMissedProbesLimit);
        AtLeastOne(nameof(NumProbedSilos), NumProbedSilos);
        AtLeastOne(nameof(NumVotesForDeathDeclaration), NumVotesForDeathDeclaration);

        // A silo is voted dead only by silos that probe it, so more votes than probers can never be collected.
        if (EffectiveNumVotesForDeathDeclaration > EffectiveNumProbedSilos)
        {
            throw new ArgumentException(
                $"Silo:Cluster:Membership:NumVotesForDeathDeclaration ({EffectiveNumVotesForDeathDeclaration}) must not exceed NumProbedSilos ({EffectiveNumProbedSilos}): no silo could collect that many votes.");
        }

        // A vote must outlive the time a second silo needs to miss its probes, or votes never add up.
        var timeToVote = EffectiveProbeTimeout * EffectiveNumMissedProbesLimit;
        if (EffectiveDeathVoteExpirationTimeout <= timeToVote)
        {
            throw new ArgumentException(
                $"Silo:Cluster:Membership:DeathVoteExpirationTimeout ({EffectiveDeathVoteExpirationTimeout}) must be longer than ProbeTimeout × NumMissedProbesLimit ({timeToVote}): votes would expire before they add up.");
        }
    }

    /// <summary>Sets the configured values on Orleans' options, leaving the others at Orleans' defaults.</summary>
    public void ApplyTo(ClusterMembershipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ProbeTimeout = ProbeTimeout ?? options.ProbeTimeout;
        options.NumMissedProbesLimit = NumMissedProbesLimit ?? options.NumMissedProbesLimit;
        options.NumProbedSilos = NumProbedSilos ?? options.NumProbedSilos;
        options.NumVotesForDeathDeclaration = NumVotesForDeathDeclaration ?? options.NumVotesForDeathDeclaration;
        options.DeathVoteExpirationTimeout = DeathVoteExpirationTimeout ?? options.DeathVoteExpirationTimeout;
        options.TableRefreshTimeout = TableRefreshTimeout ?? options.TableRefreshTimeout;
        options.IAmAliveTablePublishTimeout = IAmAliveTablePublishTimeout ?? options.IAmAliveTablePublishTimeout;
        options.MaxJoinAttemptTime = MaxJoinAttemptTime ?? options.MaxJoinAttemptTime;
        options.DefunctSiloExpiration = DefunctSiloExpiration ?? options.DefunctSiloExpiration;
    }

    private static void Positive(string name, TimeSpan? value)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Silo:Cluster:Membership:{name} must be positive; it is {value}.");
        }
    }

    private static void AtLeastOne(string name, int? value)
    {
        if (value < 1)
        {
            throw new ArgumentException($"Silo:Cluster:Membership:{name} must be at least 1; it is {value}.");
        }
    }
}
