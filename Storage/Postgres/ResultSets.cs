using Npgsql;

namespace OrleansConsistency.Storage.Postgres;

/// <summary>Walks the result sets of a batch in order: the first call stays on the first one, later calls move on.</summary>
internal sealed class ResultSets(NpgsqlDataReader reader)
{
    private bool _started;

    public async Task NextAsync(CancellationToken cancellationToken)
    {
        if (_started)
        {
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        }

        _started = true;
    }
}
