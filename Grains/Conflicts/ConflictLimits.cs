namespace OrleansConsistency.Grains.Conflicts;

/// <summary>How much conflict history a resource keeps in its state (see the README's conflict section).</summary>
/// <param name="SupersessionNotes">At most this many "superseded by" notes; the oldest go first.</param>
/// <param name="Retention">Notes older than this (measured from the newest transition, not the wall clock, so replays agree) are dropped.</param>
internal sealed record ConflictLimits(int SupersessionNotes, TimeSpan Retention);
