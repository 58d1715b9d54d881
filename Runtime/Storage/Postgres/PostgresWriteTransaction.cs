using System.Globalization;
using Npgsql;
using OrleansConsistency.Runtime.Storage.GroupCommit;

namespace OrleansConsistency.Runtime.Storage.Postgres;

/// <summary>
/// A group-commit transaction on PostgreSQL: all writes go to the server as one <see cref="NpgsqlBatch"/> (one round
/// trip), then COMMIT (a second one).
/// </summary>
internal sealed class PostgresWriteTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction) : IWriteTransaction
{
    private const string UniqueViolation = "23505";

    private bool _disposed;

    public async Task<PendingWrite?> ApplyAsync(IReadOnlyList<PendingWrite> writes, long nowUnixMilliseconds, CancellationToken cancellationToken)
    {
        // Batches of different silos lock rows in the same (key) order, which avoids most deadlocks between them;
        // the sort is stable, so two writes to the same grain keep their arrival order.
        var sent = new List<PendingWrite>(writes.Count);
        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            foreach (var pending in writes
                .OrderBy(w => w.Write.GrainType, StringComparer.Ordinal)
                .ThenBy(w => w.Write.GrainId, StringComparer.Ordinal))
            {
                var write = pending.Write;
                long? expected = null;
                if (write.ExpectedEtag is not null)
                {
                    if (!long.TryParse(write.ExpectedEtag, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                    {
                        // No row can have this ETag, so the CAS fails without asking the server.
                        pending.Failure = new InconsistentStateException(write.GrainType, write.GrainId, write.ExpectedEtag, null);
                        continue;
                    }

                    expected = parsed;
                }

                batch.BatchCommands.Add(PostgresWriteStatement.Create(write, expected, nowUnixMilliseconds));
                sent.Add(pending);
            }

            if (sent.Count == 0)
            {
                return null;
            }

            // A server error surfaces while moving to the failing command's result, so the index names the culprit.
            var index = 0;
            try
            {
                var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    for (; index < sent.Count; index++)
                    {
                        if (index > 0)
                        {
                            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                        }

                        await ReadOutcomeAsync(sent[index], reader, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (PostgresException exception) when (exception.SqlState == UniqueViolation && index < sent.Count)
            {
                // The violation aborted the transaction: refuse only this write; the group committer retries the
                // others in a new transaction.
                var culprit = sent[index];
                culprit.Failure = MapUniqueViolation(culprit.Write, exception);
                return culprit;
            }
        }

        return null;
    }

    public Task CommitAsync(CancellationToken cancellationToken) => transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task ReadOutcomeAsync(PendingWrite pending, NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var write = pending.Write;
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            pending.Failure = new InconsistentStateException(write.GrainType, write.GrainId, write.ExpectedEtag, null);
            return;
        }

        var etag = reader.GetInt64(0).ToString(CultureInfo.InvariantCulture);
        if (reader.GetBoolean(1))
        {
            pending.NewEtag = etag;
        }
        else
        {
            pending.Failure = new InconsistentStateException(write.GrainType, write.GrainId, write.ExpectedEtag, etag);
        }
    }

    private static Exception MapUniqueViolation(GrainStateWrite write, PostgresException exception)
    {
        switch (exception.ConstraintName)
        {
            case PostgresSql.IntentsPrimaryKey:
                // The server does not say which of several intents clashed (its detail may be redacted); writes carry
                // one intent in practice.
                var intent = write.Records.Intents.Count == 1 ? write.Records.Intents[0] : null;
                return intent is not null
                    ? new DuplicateIntentException(intent.ResourceId, intent.IdempotencyKey, exception)
                    : new DuplicateIntentException("An idempotency key of the write is already recorded; nothing was written.", exception);
            case PostgresSql.EventsStreamVersionKey:
                var @event = write.Records.Events.Count == 1 ? write.Records.Events[0] : null;
                return @event is not null
                    ? StorageErrors.EventConflict(@event, exception)
                    : new InconsistentStateException("An event version of the write is already stored: another writer committed that version. Nothing was written.", exception);
            default:
                return new InconsistentStateException(
                    $"Write to {write.GrainType}/{write.GrainId} conflicts with a stored row ({exception.ConstraintName}). Nothing was written.", exception);
        }
    }
}
