using Npgsql;
using OrleansConsistency.Storage.GroupCommit;

namespace OrleansConsistency.Storage.Postgres;

/// <summary>
/// Opens PostgreSQL write transactions on pooled connections. Commits rely on the server's default
/// <c>synchronous_commit = on</c>: COMMIT returns only once the WAL is flushed, so an answered write is durable.
/// </summary>
internal sealed class PostgresWriteExecutor(NpgsqlDataSource dataSource) : IWriteBatchExecutor
{
    public async Task<IWriteTransaction> BeginAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Npgsql sends BEGIN together with the batch, so the transaction costs no round trip of its own.
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            return new PostgresWriteTransaction(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public bool IsWriteSpecific(Exception exception) => exception switch
    {
        // The server answered with an error: a constraint, a bad value or a deadlock may be one write's doing.
        // Connection (08), resources (53), operator intervention (57), system (58) and internal (XX) errors are not.
        PostgresException postgres => postgres.SqlState.Length < 2
            || postgres.SqlState[..2] is not ("08" or "53" or "57" or "58" or "XX"),

        // Npgsql's own exceptions without a server error are lost connections and timeouts.
        NpgsqlException or ObjectDisposedException or OperationCanceledException => false,

        // Anything else (a value Npgsql cannot send) came from one write's content.
        _ => true,
    };

    public Exception MapCommitFailure(Exception exception) => exception is PostgresException
        // The server answered COMMIT with an error, so it rolled the transaction back: nothing was written.
        ? new StorageUnavailableException($"The server refused the commit; nothing was written. {exception.Message}", exception)
        : new CommitOutcomeUnknownException($"The connection failed during COMMIT; the write may or may not be durable. {exception.Message}", exception);
}
