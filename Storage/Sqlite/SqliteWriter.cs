using Microsoft.Data.Sqlite;
using OrleansConsistency.Storage.GroupCommit;

namespace OrleansConsistency.Storage.Sqlite;

/// <summary>
/// The one connection a SQLite provider writes through. SQLite allows one writer per file at a time, so a single
/// connection behind a gate costs nothing and lets statements stay prepared across transactions. Other silos
/// (processes or providers) on the same file wait for the file lock through <c>busy_timeout</c>.
/// </summary>
internal sealed class SqliteWriter : IWriteBatchExecutor, IDisposable
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteNoMemory = 7;
    private const int SqliteIoError = 10;
    private const int SqliteCorrupt = 11;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;
    private const int SqliteNotADatabase = 26;

    /// <summary>
    /// How long the WAL may grow before the writer finishes a checkpoint itself, between two transactions, so that the
    /// next one can start the WAL over (about 16 MiB with 4 KiB pages).
    /// </summary>
    private const long CatchUpWalFrames = 4000;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _connectionString;
    private readonly string _synchronous;
    private readonly bool _syncBesideLoop;
    private SqliteConnection? _connection;
    private SqliteWriterCommands? _commands;
    private SqliteWalSyncer? _syncer;
    private SqliteBackgroundCheckpointer? _checkpointer;
    private long _caughtUpAtPass = -1;
    private bool _disposed;

    /// <param name="configuredConnectionString">The configured connection string.</param>
    /// <param name="synchronous"><c>FULL</c> or <c>NORMAL</c>.</param>
    /// <param name="syncBesideLoop">
    /// With <c>FULL</c> on a database file: sync and checkpoint the WAL beside the commit loop instead of inside COMMIT.
    /// </param>
    public SqliteWriter(string configuredConnectionString, string synchronous, bool syncBesideLoop)
    {
        _connectionString = SqliteConnectionStrings.Dedicated(configuredConnectionString);
        _synchronous = synchronous.ToUpperInvariant();
        _syncBesideLoop = syncBesideLoop;
    }

    public async Task<IWriteTransaction> BeginAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var commands = EnsureOpen();
            CatchUpCheckpointIfDue(commands);

            // IMMEDIATE takes the file's write lock now, so no statement of the batch can fail on a lock upgrade.
            commands.BeginImmediate.ExecuteNonQuery();
            return new SqliteWriteTransaction(this, commands);
        }
        catch
        {
            CloseConnection();
            _gate.Release();
            throw;
        }
    }

    /// <summary>
    /// Runs a short statement on the writer connection, between group-commit transactions; answers once what it wrote
    /// is durable.
    /// </summary>
    public async Task<T> RunExclusiveAsync<T>(Func<SqliteConnection, T> action, CancellationToken cancellationToken)
    {
        T result;
        Task whenDurable;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureOpen();
            result = action(_connection!);
            whenDurable = WhenCommittedDurable();
        }
        catch (SqliteException exception) when (!IsWriteSpecific(exception))
        {
            CloseConnection();
            throw;
        }
        finally
        {
            _gate.Release();
        }

        await whenDurable.ConfigureAwait(false);
        return result;
    }

    public bool IsWriteSpecific(Exception exception) => exception switch
    {
        ObjectDisposedException => false,
        SqliteException sqlite => sqlite.SqliteErrorCode is not (SqliteBusy or SqliteLocked or SqliteNoMemory or SqliteIoError
            or SqliteCorrupt or SqliteFull or SqliteCantOpen or SqliteNotADatabase),
        _ => true,
    };

    // A failed COMMIT in SQLite (I/O error, disk full) may leave the transaction's pages partly written to the WAL;
    // the caller cannot know, so it must reload.
    public Exception MapCommitFailure(Exception exception) =>
        new CommitOutcomeUnknownException($"COMMIT failed; the write may or may not be durable. {exception.Message}", exception);

    /// <summary>
    /// Completes once the transaction just committed is durable: at once when COMMIT itself synced (NORMAL as
    /// configured, or an in-memory database), else when the WAL syncer's next fsync is done.
    /// </summary>
    internal Task WhenCommittedDurable() => _syncer?.SyncAsync() ?? Task.CompletedTask;

    /// <summary>Ends a transaction: called once by <see cref="SqliteWriteTransaction"/> when it is disposed.</summary>
    internal void EndTransaction(SqliteWriterCommands commands, bool committed)
    {
        try
        {
            if (!committed)
            {
                try
                {
                    commands.Rollback.ExecuteNonQuery();
                }
                catch (SqliteException)
                {
                    // SQLite rolls back by itself after some errors (disk full, I/O); a fresh connection is sure to
                    // hold no half-done transaction.
                    CloseConnection();
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _gate.Wait();
        try
        {
            CloseConnection();
            _checkpointer?.Dispose();
        }
        finally
        {
            _gate.Release();
            _gate.Dispose();
        }
    }

    private SqliteWriterCommands EnsureOpen()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_connection is not null && _commands is not null)
        {
            return _commands;
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using (var pragma = connection.CreateCommand())
            {
                // WAL lets readers run beside the writer; FULL syncs the WAL on every commit, so an acknowledged write
                // survives power loss (NORMAL only survives a process crash).
                //
                // The page cache stays at SQLite's default (2 MiB). A b-tree split renumbers a page through a
                // temporary page number far beyond the file's end, and the next commit then walks the whole cache to
                // drop pages past the end. With a 32 MiB cache that walk was the API's costliest native function (6.5%
                // of its CPU at 64 clients); the re-reads the small cache costs instead took about as much, so
                // throughput is the same either way, and 30 MiB less memory.
                //
                // With NORMAL as configured, checkpoints stay at SQLite's default (every 1,000 WAL pages), each inside
                // a COMMIT, holding up that batch's callers.
                //
                // With FULL on a database file, COMMIT does not sync and SQLite does not checkpoint inside it: the WAL
                // syncer makes each commit durable before its callers are answered, and the background checkpointer
                // copies the WAL. Both wait on the disk beside the commit loop instead of inside it, so the loop commits
                // the next batch meanwhile; with both inside COMMIT it waited, and the CPU idled (see bench/README.md).
                var pipelined = _syncBesideLoop && _synchronous == "FULL" && !string.IsNullOrEmpty(connection.DataSource);
                pragma.CommandText = $"PRAGMA busy_timeout = {SqliteConnectionStrings.BusyTimeoutSeconds * 1000}; PRAGMA journal_mode = WAL; " +
                    (pipelined ? "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;" : $"PRAGMA synchronous = {_synchronous};");
                pragma.ExecuteNonQuery();
                if (pipelined)
                {
                    _syncer = new SqliteWalSyncer(connection.DataSource);
                    _checkpointer ??= new SqliteBackgroundCheckpointer(_connectionString);
                }
            }

            _commands = new SqliteWriterCommands(connection);
            _connection = connection;
            return _commands;
        }
        catch
        {
            _syncer?.Dispose();
            _syncer = null;
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Once the WAL has grown past <see cref="CatchUpWalFrames"/>, copies what the background checkpointer has not yet
    /// (little: it copies continually), so that the next transaction starts the WAL over. Once per background pass
    /// at most, so a WAL that cannot restart yet (a reader still on it) costs one try, not one per batch.
    /// </summary>
    private void CatchUpCheckpointIfDue(SqliteWriterCommands commands)
    {
        if (_checkpointer is not { } checkpointer || checkpointer.WalFrames < CatchUpWalFrames || checkpointer.Passes == _caughtUpAtPass)
        {
            return;
        }

        _caughtUpAtPass = checkpointer.Passes;
        commands.CheckpointPassive.ExecuteNonQuery();
    }

    private void CloseConnection()
    {
        // The syncer first: it answers the commits still waiting for their fsync while the WAL is surely there.
        _syncer?.Dispose();
        _syncer = null;
        _commands?.Dispose();
        _commands = null;
        _connection?.Dispose();
        _connection = null;
    }
}
