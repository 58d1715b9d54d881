namespace OrleansConsistency.Api.Tests.Durability;

/// <summary>
/// The tests that run child processes under load and kill them: run one at a time, since each needs the machine's
/// cores to reach its load before its bound (on 2 cores, two of them together starve each other).
/// </summary>
[CollectionDefinition(Name)]
public sealed class ProcessKillCollection
{
    public const string Name = "process-kill";
}
