using Microsoft.Data.Sqlite;

namespace OrleansConsistency.Storage.Sqlite;

/// <summary>
/// Copies the WAL into the database file on a connection of its own, beside the writer, so that the commit loop no
/// longer pays for checkpoints inside its COMMITs (SQLite's automatic checkpoint, which the writer turns off). A
/// PASSIVE checkpoint never waits for the writer or for readers; the writer finishes the job itself once
/// <see cref="WalFrames"/> grows large, because the WAL can restart from its beginning only after a checkpoint that
/// caught up completely, which one running beside a busy writer seldom does.
/// </summary>
internal sealed class SqliteBackgroundCheckpointer : IDisposable
{
    /// <summary>
    /// The rest between two checkpoints. Each one syncs the WAL and the database file, on the disk that the commits'
    /// own syncs use, so it runs often enough to keep the WAL short and no more.
    /// </summary>
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(25);

    private readonly string _connectionString;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private long _walFrames;
    private long _passes;

    public SqliteBackgroundCheckpointer(string connectionString)
    {
        _connectionString = connectionString;
        _thread = new Thread(Run) { IsBackground = true, Name = "sqlite-checkpoint" };
        _thread.Start();
    }

    /// <summary>Frames in the WAL when the last checkpoint ran.</summary>
    public long WalFrames => Interlocked.Read(ref _walFrames);

    /// <summary>How many checkpoints have run: tells a reader of <see cref="WalFrames"/> whether it is news.</summary>
    public long Passes => Interlocked.Read(ref _passes);

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
    }

    private void Run()
    {
        SqliteConnection? connection = null;
        try
        {
            while (!_stop.Token.WaitHandle.WaitOne(Interval))
            {
                try
                {
                    connection ??= Open();
                    CheckpointOnce(connection);
                }
#pragma warning disable CA1031 // A thread's exception would end the process; the writer reports storage failures to callers.
                catch (Exception)
#pragma warning restore CA1031
                {
                    // Retried on a fresh connection at the next pass; meanwhile the writer's own catch-up keeps the WAL short.
                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();

        // NORMAL: a checkpoint syncs the WAL before it copies and the database file after, so the file never holds a
        // page whose WAL frame could still be lost.
        pragma.CommandText = "PRAGMA synchronous = NORMAL;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    private void CheckpointOnce(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        using var reader = command.ExecuteReader();
        reader.Read();
        var walFrames = reader.GetInt64(1);
        Interlocked.Exchange(ref _walFrames, walFrames);
        Interlocked.Increment(ref _passes);
    }
}
