namespace OrleansConsistency.Storage.Tests.Durability;

/// <summary>What a CrashWriter printed before it was killed.</summary>
/// <param name="Acknowledged">For each counter, the highest value an acknowledged write returned.</param>
/// <param name="AckCount">How many writes were acknowledged.</param>
/// <param name="LastStatistics">The last <c>STATS</c> line, if any.</param>
/// <param name="ExitCode">The process's exit code (137 after SIGKILL).</param>
/// <param name="StandardError">What the process logged.</param>
internal sealed record CrashRun(
    IReadOnlyDictionary<string, long> Acknowledged, int AckCount, CommitStatistics? LastStatistics, int ExitCode, string StandardError);
