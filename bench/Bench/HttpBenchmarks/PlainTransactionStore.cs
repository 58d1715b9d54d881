using System.Data.Common;
using System.Text.Json.Nodes;

namespace OrleansConsistency.Bench.HttpBenchmarks;

/// <summary>
/// The plain baseline's one transaction per intent, written once for both databases: read the resource, replay a known
/// key, check the expected version, write version + 1 with a version check, insert the intent and the event, commit.
/// Each database supplies how it opens and locks, its SQL, and which errors mean "start over".
/// </summary>
internal abstract class PlainTransactionStore : IPlainStore
{
    private const int Attempts = 5;

    protected abstract PlainSql Sql { get; }

    public abstract Task CreateTablesAsync();

    public abstract Task<string> DescribeAsync();

    public abstract ValueTask DisposeAsync();

    public virtual async Task<PlainAnswer> SubmitAsync(string type, string id, string key, long? expectedVersion, JsonObject increment, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TrySubmitAsync(type, id, key, expectedVersion, increment, cancellationToken);
            }
            catch (DbException exception) when (IsConflict(exception) && attempt < Attempts)
            {
                // Two first writes of one resource raced to insert it; the loser starts over and sees the winner's.
            }
        }
    }

    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    protected abstract Task<DbTransaction> BeginAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>True when the error means another transaction got there first and a new attempt will see it.</summary>
    protected virtual bool IsConflict(DbException exception) => false;

    /// <summary>Adds <c>@now</c> for databases whose SQL takes the time from the client.</summary>
    protected virtual void AddNow(DbCommand command)
    {
    }

    private async Task<PlainAnswer> TrySubmitAsync(string type, string id, string key, long? expectedVersion, JsonObject increment, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginAsync(connection, cancellationToken);

        long version = 0;
        string? document = null;
        await using (var read = Command(connection, transaction, Sql.SelectResource, type, id))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                version = reader.GetInt64(0);
                document = reader.GetString(1);
            }
        }

        // After the resource was read (and, on PostgreSQL, locked), so a retry of the same key waits for the first
        // attempt's commit and then replays it.
        await using (var replay = Command(connection, transaction, Sql.FindIntent, type, id, key))
        await using (var reader = await replay.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                return new PlainAnswer(reader.GetInt32(0), reader.GetString(1));
            }
        }

        if (expectedVersion is { } expected && expected != version)
        {
            return PlainDocument.VersionMismatch(version);
        }

        var next = version + 1;
        var updated = PlainDocument.Increment(document, increment);
        var status = document is null ? 201 : 200;
        var answer = PlainDocument.Applied(next, updated);

        await using (var write = Command(connection, transaction, document is null ? Sql.InsertResource : Sql.UpdateResource, type, id))
        {
            Add(write, "@next", next);
            Add(write, "@document", updated);
            if (document is not null)
            {
                Add(write, "@old", version);
            }

            if (await write.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                // Cannot happen while the resource is locked; checked anyway, as the hand-written version would.
                throw new InvalidOperationException($"{type}/{id} changed under a write transaction.");
            }
        }

        await using (var intent = Command(connection, transaction, Sql.InsertIntent, type, id, key))
        {
            Add(intent, "@next", next);
            Add(intent, "@status", status);
            Add(intent, "@answer", answer);
            await intent.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var @event = Command(connection, transaction, Sql.InsertEvent, type, id))
        {
            Add(@event, "@next", next);
            Add(@event, "@payload", PlainDocument.Event(increment, updated));
            await @event.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new PlainAnswer(status, answer);
    }

    private DbCommand Command(DbConnection connection, DbTransaction transaction, string sql, string type, string id, string? key = null)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        Add(command, "@type", type);
        Add(command, "@id", id);
        if (key is not null)
        {
            Add(command, "@key", key);
        }

        AddNow(command);
        return command;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
