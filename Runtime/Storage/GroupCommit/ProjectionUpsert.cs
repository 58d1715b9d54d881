namespace OrleansConsistency.Runtime.Storage.GroupCommit;

/// <summary>Writes a projection row unless a newer one is stored; its result is 1 when written, else 0.</summary>
internal sealed record ProjectionUpsert(ProjectionRow Row) : ProgressWrite;
