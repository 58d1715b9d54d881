using System.Globalization;
using Microsoft.Data.Sqlite;
using Orleans.Storage;
using OrleansConsistency.Storage.GroupCommit;

namespace OrleansConsistency.Storage.Sqlite;

/// <summary>
/// A group-commit transaction on the SQLite writer connection. A write's statements run in an order that lets a
/// refused write leave nothing behind without a savepoint: the state's compare-and-swap comes first and changes
/// nothing when it fails, and a duplicate intent or event (possible only after that CAS succeeded) aborts the
/// transaction, so the group committer retries the other writes without it. Savepoints cost two statements per
/// write and a sub-journal copy of every page the write touches, for a case that practically never happens.
/// </summary>
internal sealed class SqliteWriteTransaction(SqliteWriter writer, SqliteWriterCommands commands) : IWriteTransaction
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;

    private bool _committed;
    private bool _ended;

    public Task<PendingWrite?> ApplyAsync(IReadOnlyList<PendingWrite> writes, long nowUnixMilliseconds, CancellationToken cancellationToken)
    {
        // Microsoft.Data.Sqlite is synchronous underneath; the group-commit loop runs on its own thread-pool work item.
        foreach (var write in writes)
        {
            if (write.Progress is { } progress)
            {
                write.Result = ApplyProgress(progress, nowUnixMilliseconds).ToString(CultureInfo.InvariantCulture);
            }
            else if (!Apply(write, nowUnixMilliseconds))
            {
                return Task.FromResult<PendingWrite?>(write);
            }
        }

        return Task.FromResult<PendingWrite?>(null);
    }

    public Task WhenDurable { get; private set; } = Task.CompletedTask;

    public Task CommitAsync(CancellationToken cancellationToken)
    {
        commands.Commit.ExecuteNonQuery();
        _committed = true;
        WhenDurable = writer.WhenCommittedDurable();
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        if (!_ended)
        {
            _ended = true;
            writer.EndTransaction(commands, _committed);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Applies one grain write. False when the write is refused after it changed the state (a duplicate intent or
    /// event): the whole transaction must then be rolled back.
    /// </summary>
    private bool Apply(PendingWrite pending, long now)
    {
        var write = pending.Write;
        if (WriteState(write, now, out var newEtag) is { } refused)
        {
            pending.Failure = refused;
            return true;
        }

        Exception? duplicate = WriteIntents(write);
        duplicate ??= WriteEvents(write);
        if (duplicate is not null)
        {
            pending.Failure = duplicate;
            return false;
        }

        pending.Result = newEtag.ToString(CultureInfo.InvariantCulture);
        return true;
    }

    private InconsistentStateException? WriteState(GrainStateWrite write, long now, out long newEtag)
    {
        newEtag = 0;
        if (write.ExpectedEtag is null)
        {
            var insert = commands.InsertState;
            Bind(insert, write.GrainType, write.GrainId, write.Version, write.Payload, now);
            if (insert.ExecuteNonQuery() == 1)
            {
                newEtag = 1;
                return null;
            }
        }
        else if (long.TryParse(write.ExpectedEtag, NumberStyles.None, CultureInfo.InvariantCulture, out var expected))
        {
            var update = commands.UpdateState;
            Bind(update, write.GrainType, write.GrainId, write.Version, write.Payload, now, expected);
            if (update.ExecuteNonQuery() == 1)
            {
                newEtag = expected + 1;
                return null;
            }
        }

        return StorageErrors.StaleWrite(write.GrainType, write.GrainId, write.ExpectedEtag, ReadStoredEtag(write));
    }

    private DuplicateIntentException? WriteIntents(GrainStateWrite write)
    {
        var insert = commands.InsertIntent;
        foreach (var intent in write.Records.Intents)
        {
            Bind(
                insert,
                intent.ResourceId,
                intent.IdempotencyKey,
                intent.Fingerprint,
                intent.Version,
                intent.Outcome,
                intent.CreatedAt.ToUnixTimeMilliseconds(),
                intent.ExpiresAt.ToUnixTimeMilliseconds());
            try
            {
                insert.ExecuteNonQuery();
            }
            catch (SqliteException exception) when (IsUniqueViolation(exception))
            {
                return new DuplicateIntentException(intent.ResourceId, intent.IdempotencyKey, exception);
            }
        }

        return null;
    }

    private InconsistentStateException? WriteEvents(GrainStateWrite write)
    {
        var insert = commands.InsertEvent;
        foreach (var @event in write.Records.Events)
        {
            Bind(
                insert,
                @event.StreamNamespace,
                @event.StreamKey,
                @event.Version,
                @event.Type,
                @event.IntentKey,
                @event.CorrelationId,
                @event.Payload,
                @event.CreatedAt.ToUnixTimeMilliseconds(),
                @event.Queue);
            try
            {
                insert.ExecuteNonQuery();
            }
            catch (SqliteException exception) when (IsUniqueViolation(exception))
            {
                return StorageErrors.EventConflict(@event, exception);
            }
        }

        return null;
    }

    private long ApplyProgress(ProgressWrite progress, long now) => progress switch
    {
        CheckpointAdvance advance => Advance(advance.Checkpoint, now),
        ProjectionUpsert upsert => Upsert(upsert, now),
        QueueCheckpointAdvance queue => AdvanceQueue(queue, now),
        _ => throw new InvalidOperationException($"Unknown progress write {progress.GetType().Name}."),
    };

    /// <summary>The row first, then its checkpoint if it has one: the answer is the checkpoint, else rows written.</summary>
    private long Upsert(ProjectionUpsert upsert, long now)
    {
        var row = upsert.Row;
        Bind(
            commands.UpsertProjection,
            row.Projection,
            row.Partition,
            row.Key,
            row.Version,
            row.Deleted,
            row.Payload,
            row.AppliedAt.ToUnixTimeMilliseconds(),
            row.ProjectedAt.ToUnixTimeMilliseconds());
        var written = commands.UpsertProjection.ExecuteNonQuery();
        return upsert.Checkpoint is { } checkpoint ? Advance(checkpoint, now) : written;
    }

    private long Advance(ConsumerCheckpoint advance, long now)
    {
        Bind(commands.SetCheckpoint, advance.Consumer, advance.ResourceId, advance.Version, now);
        if (commands.SetCheckpoint.ExecuteNonQuery() == 1)
        {
            return advance.Version;
        }

        // The stored checkpoint is ahead; this transaction holds the write lock, so it cannot change meanwhile.
        Bind(commands.GetCheckpoint, advance.Consumer, advance.ResourceId);
        return (long)commands.GetCheckpoint.ExecuteScalar()!;
    }

    private long AdvanceQueue(QueueCheckpointAdvance advance, long now)
    {
        Bind(commands.SetQueueCheckpoint, advance.Provider, advance.Queue, advance.Sequence, now);
        commands.SetQueueCheckpoint.ExecuteNonQuery();

        // This transaction holds the write lock, so the row read back is the one just written.
        Bind(commands.GetQueueCheckpoint, advance.Provider, advance.Queue);
        return (long)commands.GetQueueCheckpoint.ExecuteScalar()!;
    }

    private string? ReadStoredEtag(GrainStateWrite write)
    {
        var read = commands.ReadState;
        Bind(read, write.GrainType, write.GrainId);
        return read.ExecuteScalar() is long etag ? etag.ToString(CultureInfo.InvariantCulture) : null;
    }

    private static bool IsUniqueViolation(SqliteException exception) =>
        exception.SqliteErrorCode == SqliteConstraint
        && exception.SqliteExtendedErrorCode is SqliteConstraintPrimaryKey or SqliteConstraintUnique;

    private static void Bind(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }
}
