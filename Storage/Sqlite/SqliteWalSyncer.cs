using System.Collections.Concurrent;

namespace OrleansConsistency.Storage.Sqlite;

/// <summary>
/// Makes committed transactions durable off the commit loop: the writer commits with <c>synchronous=NORMAL</c> (the
/// WAL frames are written, not synced) and asks for a sync; one thread fsyncs the WAL file and answers every commit
/// that was written before that fsync began, so one fsync covers all the commits that queued while the previous one
/// ran. Callers are answered only then, so an acknowledged write survives power loss as with <c>FULL</c>, while the
/// loop commits the next batch during the fsync instead of waiting for it.
/// </summary>
/// <remarks>
/// One syncer serves one writer connection. SQLite deletes the WAL file only when its last connection closes, and
/// the writer connection stays open for the syncer's whole life, so the file it opened is the file SQLite writes.
/// </remarks>
internal sealed class SqliteWalSyncer : IDisposable
{
    private readonly ConcurrentQueue<TaskCompletionSource> _waiting = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly string _walPath;
    private readonly Thread _thread;
    private FileStream? _wal;
    private volatile bool _stopping;

    public SqliteWalSyncer(string databasePath)
    {
        _walPath = databasePath + "-wal";
        _thread = new Thread(Run) { IsBackground = true, Name = "sqlite-wal-sync" };
        _thread.Start();
    }

    /// <summary>Completes once everything written to the WAL before this call is on disk.</summary>
    public Task SyncAsync()
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        var ticket = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting.Enqueue(ticket);
        _signal.Release();
        return ticket.Task;
    }

    /// <summary>Syncs and answers what is still queued, then stops the thread.</summary>
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        _signal.Release();
        _thread.Join();
        _wal?.Dispose();
        _signal.Dispose();
    }

    private void Run()
    {
        var batch = new List<TaskCompletionSource>();
        while (true)
        {
            _signal.Wait();
            while (_waiting.TryDequeue(out var ticket))
            {
                batch.Add(ticket);
            }

            if (batch.Count > 0)
            {
                SyncAndAnswer(batch);
                batch.Clear();
            }
            else if (_stopping)
            {
                return;
            }
        }
    }

    private void SyncAndAnswer(List<TaskCompletionSource> batch)
    {
        try
        {
            // Opened on first use: the file exists once a commit has written to it.
            _wal ??= new FileStream(_walPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            _wal.Flush(flushToDisk: true);
        }
#pragma warning disable CA1031 // Every waiting commit gets the failure: its durability is unknown.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _wal?.Dispose();
            _wal = null;
            foreach (var ticket in batch)
            {
                ticket.TrySetException(exception);
            }

            return;
        }

        foreach (var ticket in batch)
        {
            ticket.TrySetResult();
        }
    }
}
