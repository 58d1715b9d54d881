using OrleansConsistency.Grains.Interfaces.Consumers;

namespace OrleansConsistency.Grains.Settlement;

/// <summary>What a resource grain knows about one required consumer: how far it got, when, and what troubles it.</summary>
internal sealed class ConsumerLane(string name, string displayName, bool isProcessManager = false)
{
    /// <summary>How many recent acknowledgement times are kept for timelines; older stages show no time.</summary>
    private const int RecentAcknowledgements = 256;

    private readonly SortedList<long, (DateTimeOffset At, int Attempts)> _acknowledged = [];

    public string Name => name;

    public string DisplayName => displayName;

    /// <summary>True for a process manager (a saga): what it reports is the intent's own outcome, in its words.</summary>
    public bool IsProcessManager => isProcessManager;

    /// <summary>The highest version handled (the consumer's checkpoint).</summary>
    public long Acknowledged { get; private set; }

    /// <summary>The latest report of trouble with a version not yet acknowledged.</summary>
    public ConsumerTrouble? Trouble { get; private set; }

    /// <summary>Versions it gave up on, with why.</summary>
    public Dictionary<long, ConsumerTrouble> GaveUp { get; } = [];

    public void Load(long checkpoint) => Acknowledged = Math.Max(Acknowledged, checkpoint);

    public void Acknowledge(ConsumerAcknowledgement acknowledgement)
    {
        // A version it had given up on and an operator retried successfully is no longer failed.
        GaveUp.Remove(acknowledgement.Version);
        if (!_acknowledged.ContainsKey(acknowledgement.Version))
        {
            _acknowledged.Add(acknowledgement.Version, (acknowledgement.At, acknowledgement.Attempts));
            if (_acknowledged.Count > RecentAcknowledgements)
            {
                _acknowledged.RemoveAt(0);
            }
        }

        Acknowledged = Math.Max(Acknowledged, acknowledgement.Version);

        // Any acknowledgement means a paused consumer runs again.
        if (Trouble is { } trouble && (trouble.Paused || trouble.Version <= Acknowledged))
        {
            Trouble = null;
        }
    }

    public void Report(ConsumerTrouble trouble)
    {
        if (trouble.GaveUp)
        {
            // Giving up moves the consumer past the version (later ones can settle) but the version stays failed.
            GaveUp[trouble.Version] = trouble;
            Acknowledged = Math.Max(Acknowledged, trouble.Version);
        }

        Trouble = trouble.GaveUp || trouble.Version <= Acknowledged ? null : trouble;
    }

    /// <summary>When (and in how many attempts) the first acknowledgement covering the version came, if still known.</summary>
    public (DateTimeOffset At, int Attempts)? AcknowledgementOf(long version)
    {
        foreach (var (acknowledged, detail) in _acknowledged)
        {
            if (acknowledged >= version)
            {
                return detail;
            }
        }

        return null;
    }
}
