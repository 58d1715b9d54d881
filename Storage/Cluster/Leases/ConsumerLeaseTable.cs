using Npgsql;
using NpgsqlTypes;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Storage.Cluster.Leases;

/// <summary>
/// The rows of <c>consumer_leases</c> (consumer, partition, owner silo id, expires_at in unix milliseconds by the
/// database's clock), and reads of the events table for the poller. Every write is a compare-and-swap: a silo only
/// ever renews its own rows and takes rows that are free or expired.
/// </summary>
internal sealed class ConsumerLeaseTable(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    private const string NowMs = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

    /// <summary>Extends every lease <paramref name="owner"/> still holds; answers them.</summary>
    public async Task<IReadOnlyList<(string Consumer, int Partition)>> RenewAsync(string owner, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"UPDATE consumer_leases SET expires_at = {NowMs} + @duration WHERE owner = @owner AND expires_at >= {NowMs} RETURNING consumer, partition");
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("duration", (long)duration.TotalMilliseconds);
        var rows = new List<(string, int)>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((reader.GetString(0), reader.GetInt32(1)));
            }
        }

        return rows;
    }

    /// <summary>The partitions of <paramref name="consumer"/> that another silo holds now (not expired).</summary>
    public async Task<HashSet<int>> ReadTakenAsync(string consumer, string owner, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT partition FROM consumer_leases WHERE consumer = @consumer AND owner <> @owner AND expires_at >= {NowMs}");
        command.Parameters.AddWithValue("consumer", consumer);
        command.Parameters.AddWithValue("owner", owner);
        return await ReadPartitionsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes those of <paramref name="partitions"/> that are free or expired; answers the ones taken.</summary>
    public async Task<HashSet<int>> TryAcquireAsync(string consumer, string owner, IReadOnlyCollection<int> partitions, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO consumer_leases (consumer, partition, owner, expires_at)
            SELECT @consumer, p, @owner, {NowMs} + @duration FROM unnest(@partitions) AS p
            ON CONFLICT (consumer, partition) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
            WHERE consumer_leases.expires_at < {NowMs} OR consumer_leases.owner = excluded.owner
            RETURNING partition
            """);
        command.Parameters.AddWithValue("consumer", consumer);
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("duration", (long)duration.TotalMilliseconds);
        command.Parameters.Add(new NpgsqlParameter("partitions", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = partitions.ToArray() });
        return await ReadPartitionsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gives up some of <paramref name="owner"/>'s leases of a consumer (more than its fair share).</summary>
    public async Task ReleaseAsync(string consumer, string owner, IReadOnlyCollection<int> partitions, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM consumer_leases WHERE consumer = @consumer AND owner = @owner AND partition = ANY(@partitions)");
        command.Parameters.AddWithValue("consumer", consumer);
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.Add(new NpgsqlParameter("partitions", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = partitions.ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gives up every lease of <paramref name="owner"/> (a graceful stop), so others take them at once.</summary>
    public async Task ReleaseAllAsync(string owner, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM consumer_leases WHERE owner = @owner");
        command.Parameters.AddWithValue("owner", owner);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every lease row that has not expired (diagnosis and tests).</summary>
    public async Task<IReadOnlyList<ConsumerLease>> ReadLiveAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT consumer, partition, owner FROM consumer_leases WHERE expires_at >= {NowMs} ORDER BY consumer, partition");
        var rows = new List<ConsumerLease>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(new ConsumerLease(reader.GetString(0), reader.GetInt32(1), reader.GetString(2)));
            }
        }

        return rows;
    }

    /// <summary>The highest event sequence now; the poller starts after it (older events are the sweep's).</summary>
    public async Task<long> ReadLastSequenceAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT COALESCE(max(seq), 0) FROM events");
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Events of namespaces starting with <paramref name="namespacePrefix"/> with a sequence above <paramref name="afterSequence"/>, in sequence order.</summary>
    public async Task<IReadOnlyList<EventRecord>> ReadEventsAsync(string namespacePrefix, long afterSequence, int maxCount, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {StorageRows.EventColumns} FROM events WHERE seq > @after AND starts_with(stream_namespace, @prefix) ORDER BY seq LIMIT @max");
        command.Parameters.AddWithValue("after", afterSequence);
        command.Parameters.AddWithValue("prefix", namespacePrefix);
        command.Parameters.AddWithValue("max", maxCount);
        var rows = new List<EventRecord>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(StorageRows.Event(reader));
            }
        }

        return rows;
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    private static async Task<HashSet<int>> ReadPartitionsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var partitions = new HashSet<int>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                partitions.Add(reader.GetInt32(0));
            }
        }

        return partitions;
    }
}
