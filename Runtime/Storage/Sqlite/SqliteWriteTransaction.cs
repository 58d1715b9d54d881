using System.Globalization;
using Microsoft.Data.Sqlite;
using OrleansConsistency.Runtime.Storage.GroupCommit;

namespace OrleansConsistency.Runtime.Storage.Sqlite;

/// <summary>
/// A group-commit transaction on the SQLite writer connection. Each write with extra rows runs inside a savepoint,
/// so a write whose intent or event is a duplicate is undone alone and the others still commit.
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
            else
            {
                Apply(write, nowUnixMilliseconds);
            }
        }

        return Task.FromResult<PendingWrite?>(null);
    }

    public Task CommitAsync(CancellationToken cancellationToken)
    {
        commands.Commit.ExecuteNonQuery();
        _committed = true;
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

    private void Apply(PendingWrite pending, long now)
    {
        var write = pending.Write;
        var hasRecords = write.Records.Intents.Count > 0 || write.Records.Events.Count > 0;
        if (hasRecords)
        {
            commands.Savepoint.ExecuteNonQuery();
        }

        try
        {
            Exception? failure = WriteState(write, now, out var newEtag);
            failure ??= WriteIntents(write);
            failure ??= WriteEvents(write);
            if (failure is not null)
            {
                pending.Failure = failure;
                if (hasRecords)
                {
                    commands.RollbackToSavepoint.ExecuteNonQuery();
                }

                return;
            }

            if (hasRecords)
            {
                commands.ReleaseSavepoint.ExecuteNonQuery();
            }

            pending.Result = newEtag.ToString(CultureInfo.InvariantCulture);
        }
        catch
        {
            // Leave the transaction as it was before this write; the group committer decides what happens next.
            if (hasRecords)
            {
                TryRollbackToSavepoint();
            }

            throw;
        }
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
            if (update.ExecuteScalar() is long etag)
            {
                newEtag = etag;
                return null;
            }
        }

        return new InconsistentStateException(write.GrainType, write.GrainId, write.ExpectedEtag, ReadStoredEtag(write));
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
                @event.CreatedAt.ToUnixTimeMilliseconds());
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

    private long ApplyProgress(ProgressWrite progress, long now)
    {
        switch (progress)
        {
            case CheckpointAdvance advance:
                Bind(commands.SetCheckpoint, advance.Consumer, advance.ResourceId, advance.Version, now);
                if (commands.SetCheckpoint.ExecuteScalar() is long moved)
                {
                    return moved;
                }

                // The stored checkpoint is ahead; this transaction holds the write lock, so it cannot change meanwhile.
                Bind(commands.GetCheckpoint, advance.Consumer, advance.ResourceId);
                return (long)commands.GetCheckpoint.ExecuteScalar()!;
            case ProjectionUpsert { Row: var row }:
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
                return commands.UpsertProjection.ExecuteNonQuery();
            default:
                throw new InvalidOperationException($"Unknown progress write {progress.GetType().Name}.");
        }
    }

    private string? ReadStoredEtag(GrainStateWrite write)
    {
        var read = commands.ReadState;
        Bind(read, write.GrainType, write.GrainId);
        return read.ExecuteScalar() is long etag ? etag.ToString(CultureInfo.InvariantCulture) : null;
    }

    private void TryRollbackToSavepoint()
    {
        try
        {
            commands.RollbackToSavepoint.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // The transaction itself is gone (SQLite rolled it back); disposing the transaction cleans up.
        }
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
