using OrleansConsistency.Storage;
using OrleansConsistency.Storage.Tests.Storage;
using Xunit.Abstractions;

namespace OrleansConsistency.Storage.Tests.Durability;

/// <summary>
/// Group commit answers a writer only after its transaction committed, so killing the silo mid-load must lose no
/// acknowledged write. A real silo runs as a child process (the CrashWriter), 64 writers each bumping their own
/// counter; it is killed with SIGKILL (no shutdown code runs), and the database is then read directly.
/// </summary>
public sealed class SigkillDurabilityTests(ITestOutputHelper output)
{
    private const int AcksBeforeKill = 2000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory, StorageProviders]
    public async Task Sigkill_UnderWriteLoad_EveryAcknowledgedWriteIsInTheDatabase(string provider)
    {
        var connectionString = provider == StorageOptions.PostgresProvider
            ? await StorageFixture.NewPostgresConnectionStringAsync("sigkill")
            : StorageFixture.NewSqliteConnectionString("sigkill");

        var run = await CrashWriterProcess.RunAndKillAsync(provider, connectionString, AcksBeforeKill, Timeout);
        var stored = await StoredCounters.ReadAsync(provider, connectionString);

        var lost = run.Acknowledged
            .Where(ack => stored.GetValueOrDefault(ack.Key) < ack.Value)
            .Select(ack => $"{ack.Key}: acknowledged {ack.Value}, stored {(stored.TryGetValue(ack.Key, out var value) ? value : "nothing")}")
            .ToList();
        var unacknowledged = run.Acknowledged.Sum(ack => Math.Max(0, stored.GetValueOrDefault(ack.Key) - ack.Value));
        var statistics = run.LastStatistics;
        output.WriteLine($"{provider}: {run.AckCount} writes acknowledged on {run.Acknowledged.Count} counters before SIGKILL (exit code {run.ExitCode}).");
        output.WriteLine($"Stored: {stored.Count} counters; {lost.Count} behind what was acknowledged; {unacknowledged} committed writes whose answer the kill cut off.");
        output.WriteLine($"Last STATS: {statistics?.Transactions} transactions, {statistics?.Writes} writes, at most {statistics?.MaxWritesInOneTransaction} in one.");

        Assert.True(run.AckCount >= AcksBeforeKill, $"Only {run.AckCount} acknowledgements.");
        Assert.True(lost.Count == 0, $"Acknowledged writes were lost:{Environment.NewLine}{string.Join(Environment.NewLine, lost.Take(20))}");
        Assert.NotNull(statistics);
        Assert.True(
            statistics.Writes > statistics.Transactions,
            $"Group commit did not batch: {statistics.Writes} writes in {statistics.Transactions} transactions.");
    }
}
