namespace OrleansConsistency.Storage.Clustering;

/// <summary>How the times of membership entries are stored.</summary>
internal static class MembershipTimes
{
    /// <summary>
    /// The time as UTC. Orleans stamps entries with <see cref="DateTime.UtcNow"/>, but a default or hand-made entry
    /// may carry an unspecified kind, which Npgsql refuses to write to a <c>timestamptz</c> column; such a time is
    /// taken to be UTC already, as Orleans itself does (MembershipEntry.EffectiveIAmAliveTime).
    /// </summary>
    public static DateTime ToUtc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Utc => time,
        DateTimeKind.Local => time.ToUniversalTime(),
        _ => DateTime.SpecifyKind(time, DateTimeKind.Utc),
    };
}
