using System.Globalization;
using Npgsql;
using Orleans.Storage;
using OrleansConsistency.Storage.GroupCommit;

namespace OrleansConsistency.Storage.Postgres;

/// <summary>
/// A group-commit transaction on PostgreSQL: all writes go to the server in one round trip, as one set-based statement
/// (see <see cref="PostgresSql.BatchWrite"/>), then COMMIT (a second one).
/// </summary>
internal sealed class PostgresWriteTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction) : IWriteTransaction
{
    private const string UniqueViolation = "23505";

    private bool _disposed;

    public async Task<PendingWrite?> ApplyAsync(IReadOnlyList<PendingWrite> writes, long nowUnixMilliseconds, CancellationToken cancellationToken)
    {
        // Batches of different silos lock rows in the same (key) order, which avoids most deadlocks between them;
        // the sort is stable, so two writes to the same grain keep their arrival order.
        var sent = new List<(PendingWrite Pending, long? ExpectedEtag)>(writes.Count);
        foreach (var pending in writes.Where(w => w.Progress is null)
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
                    pending.Failure = StorageErrors.StaleWrite(write.GrainType, write.GrainId, write.ExpectedEtag, null);
                    continue;
                }

                expected = parsed;
            }

            sent.Add((pending, expected));
        }

        var progress = writes.Where(w => w.Progress is not null).ToList();
        if (sent.Count + progress.Count == 0)
        {
            return null;
        }

        // Grain writes first, then the progress rows, all in one round trip.
        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            var rounds = sent.Count == 1 ? [] : Rounds(sent);
            if (sent.Count == 1)
            {
                batch.BatchCommands.Add(PostgresWriteStatement.Create(sent[0].Pending.Write, sent[0].ExpectedEtag, nowUnixMilliseconds));
            }

            foreach (var round in rounds)
            {
                batch.BatchCommands.Add(PostgresBatchWriteStatement.Create(round.ConvertAll(item => (item.Pending.Write, item.ExpectedEtag)), nowUnixMilliseconds));
            }

            foreach (var pending in progress)
            {
                PostgresProgressStatement.AddTo(batch, pending.Progress!, nowUnixMilliseconds);
            }

            try
            {
                var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var results = new ResultSets(reader);
                    if (sent.Count == 1)
                    {
                        await results.NextAsync(cancellationToken).ConfigureAwait(false);
                        await ReadOutcomeAsync(sent[0].Pending, reader, cancellationToken).ConfigureAwait(false);
                    }

                    foreach (var round in rounds)
                    {
                        await results.NextAsync(cancellationToken).ConfigureAwait(false);
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            var pending = round[reader.GetInt32(0)].Pending;
                            SetOutcome(pending, reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetBoolean(2));
                        }
                    }

                    foreach (var pending in progress)
                    {
                        pending.Result = await PostgresProgressStatement.ReadResultAsync(pending.Progress!, results, reader, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (PostgresException exception) when (exception.SqlState == UniqueViolation && sent.Count == 1)
            {
                // The violation aborted the transaction: refuse only this write; the group committer retries the
                // others in a new transaction. (With several grain writes the set-based statement cannot say which
                // one clashed; the exception propagates and the committer retries them one transaction each.)
                var culprit = sent[0].Pending;
                culprit.Failure = MapUniqueViolation(culprit.Write, exception);
                return culprit;
            }
        }

        return null;
    }

    public Task CommitAsync(CancellationToken cancellationToken) => transaction.CommitAsync(cancellationToken);

    /// <summary>PostgreSQL answers COMMIT once the commit record is flushed (<c>synchronous_commit=on</c>).</summary>
    public Task WhenDurable => Task.CompletedTask;

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

    /// <summary>
    /// Splits the grain writes into rounds of distinct grains, one set-based statement each: a single round unless a
    /// grain is written twice in the batch, whose later write must see the earlier one. A unique violation aborts the
    /// transaction without naming the write; it propagates, and the group committer then retries the writes one
    /// transaction each, where the single-write statement names the culprit.
    /// </summary>
    private static List<List<(PendingWrite Pending, long? ExpectedEtag)>> Rounds(List<(PendingWrite Pending, long? ExpectedEtag)> sent)
    {
        var rounds = new List<List<(PendingWrite Pending, long? ExpectedEtag)>>();
        var writesPerGrain = new Dictionary<(string, string), int>();
        foreach (var item in sent)
        {
            var grain = (item.Pending.Write.GrainType, item.Pending.Write.GrainId);
            var round = writesPerGrain.GetValueOrDefault(grain);
            writesPerGrain[grain] = round + 1;
            if (round == rounds.Count)
            {
                rounds.Add([]);
            }

            rounds[round].Add(item);
        }

        return rounds;
    }

    private static void SetOutcome(PendingWrite pending, long? etag, bool written)
    {
        var write = pending.Write;
        var text = etag?.ToString(CultureInfo.InvariantCulture);
        if (written)
        {
            pending.Result = text;
        }
        else
        {
            pending.Failure = StorageErrors.StaleWrite(write.GrainType, write.GrainId, write.ExpectedEtag, text);
        }
    }

    private static async Task ReadOutcomeAsync(PendingWrite pending, NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            SetOutcome(pending, reader.GetInt64(0), reader.GetBoolean(1));
        }
        else
        {
            SetOutcome(pending, etag: null, written: false);
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
