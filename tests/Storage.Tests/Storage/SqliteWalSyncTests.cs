using Microsoft.Data.Sqlite;
using OrleansConsistency.Storage;
using OrleansConsistency.Storage.Sqlite;
using static OrleansConsistency.Storage.Tests.Storage.TestWrites;

namespace OrleansConsistency.Storage.Tests.Storage;

/// <summary>
/// SQLite with <c>synchronous=FULL</c> on a file: the WAL is synced beside the commit loop and checkpointed beside
/// it, and neither may lose a write or let the WAL grow without bound.
/// </summary>
public sealed class SqliteWalSyncTests
{
    [Fact]
    public async Task SustainedWrites_KeepTheWalShort_AndEveryWriteIsInTheFile()
    {
        var options = await StorageFixture.NewOptionsAsync(StorageOptions.SqliteProvider);
        var path = new SqliteConnectionStringBuilder(options.ConnectionString).DataSource;
        const int writers = 64;
        const int writesEach = 400;
        var payload = new string('x', 600);

        await using (var storage = await StorageFixture.CreateStorageAsync(options))
        {
            await Task.WhenAll(Enumerable.Range(0, writers).Select(async writer =>
            {
                string? etag = null;
                for (var version = 1; version <= writesEach; version++)
                {
                    etag = await storage.WriteAsync(State(
                        $"g{writer}", etag, $$"""{"v":{{version}},"pad":"{{payload}}"}""", version,
                        Records(Intent($"test/g{writer}", $"k{version}", version), Event($"g{writer}", version))));
                }
            }));

            // Without checkpoints these writes grow the WAL to about 220 MiB; the file keeps its largest size.
            var walBytes = new FileInfo(path + "-wal").Length;
            Assert.True(walBytes < 64L * 1024 * 1024, $"The WAL reached {walBytes / (1024 * 1024)} MiB.");
        }

        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly }.ToString());
        await connection.OpenAsync();
        Assert.Equal((long)writers * writesEach, await CountAsync(connection, "SELECT COUNT(*) FROM events"));
        Assert.Equal((long)writers * writesEach, await CountAsync(connection, "SELECT COUNT(*) FROM intents"));
        Assert.Equal(writers, await CountAsync(connection, $"SELECT COUNT(*) FROM grain_state WHERE version = {writesEach}"));
    }

    [Fact]
    public async Task Sync_OfAnExistingWal_Completes_AndEveryWaitingCommitIsAnsweredOnDispose()
    {
        var path = new SqliteConnectionStringBuilder(StorageFixture.NewSqliteConnectionString("sync")).DataSource;
        await File.WriteAllBytesAsync(path + "-wal", [1, 2, 3]);
        var syncer = new SqliteWalSyncer(path);

        await syncer.SyncAsync();
        var waiting = Enumerable.Range(0, 10).Select(_ => syncer.SyncAsync()).ToArray();
        syncer.Dispose();

        await Task.WhenAll(waiting);
        Assert.Throws<ObjectDisposedException>(() => { _ = syncer.SyncAsync(); });
    }

    [Fact]
    public async Task Sync_ThatFails_FailsTheWaitingCommits_SoTheirOutcomeIsReportedUnknown()
    {
        var path = new SqliteConnectionStringBuilder(StorageFixture.NewSqliteConnectionString("missing")).DataSource;
        using var syncer = new SqliteWalSyncer(path);

        await Assert.ThrowsAnyAsync<IOException>(syncer.SyncAsync);
    }

    private static async Task<long> CountAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
