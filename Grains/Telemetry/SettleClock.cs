namespace OrleansConsistency.Grains.Telemetry;

/// <summary>
/// One resource activation's applied times per version, so that the settle time of each version can be measured
/// when the settled version passes it. Bounded: past <see cref="MaxTracked"/> versions waiting, the oldest are
/// forgotten (they simply go unmeasured).
/// </summary>
internal sealed class SettleClock(string resourceType)
{
    private const int MaxTracked = 1024;

    private readonly SortedDictionary<long, DateTimeOffset> _appliedAt = [];

    public void Applied(long version, DateTimeOffset at)
    {
        _appliedAt[version] = at;
        if (_appliedAt.Count > MaxTracked)
        {
            _appliedAt.Remove(_appliedAt.Keys.First());
        }
    }

    /// <summary>Records the settle time of every tracked version up to <paramref name="settledVersion"/>.</summary>
    public void SettledUpTo(long settledVersion, DateTimeOffset now)
    {
        while (_appliedAt.Count > 0)
        {
            var (version, appliedAt) = _appliedAt.First();
            if (version > settledVersion)
            {
                return;
            }

            _appliedAt.Remove(version);
            var type = new KeyValuePair<string, object?>("type", ResourceTypeTag.Accepted(resourceType));
            SettlementInstruments.SettleDuration.Record(Math.Max(0, (now - appliedAt).TotalSeconds), type);
            SettlementInstruments.Settled.Add(1, type);
        }
    }
}
