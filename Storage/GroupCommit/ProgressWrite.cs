namespace OrleansConsistency.Storage.GroupCommit;

/// <summary>
/// A consumer's progress row that rides along in the next group-commit transaction instead of paying for a
/// transaction (and, on SQLite, an fsync) of its own. Progress writes are upserts that never move a row backwards,
/// so they cannot conflict with each other or with grain writes.
/// </summary>
internal abstract record ProgressWrite;
