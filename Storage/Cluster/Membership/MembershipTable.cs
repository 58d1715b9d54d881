using System.Collections.Immutable;
using Npgsql;

namespace OrleansConsistency.Storage.Cluster.Membership;

/// <summary>
/// The membership rows in PostgreSQL. Its own small connection pool, so heartbeats never queue behind a busy
/// group commit. All times are the database's clock (unix milliseconds).
/// </summary>
internal sealed class MembershipTable(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    private const string NowMs = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

    public const string Active = "active";
    public const string Dead = "dead";
    public const string Left = "left";

    /// <summary>Adds the silo as active; safe to repeat after a lost answer (the id is new per start).</summary>
    public async Task RegisterAsync(string siloId, string name, Uri address, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await using (var insert = new NpgsqlCommand(
                    $"INSERT INTO cluster_members (silo_id, name, address, status, started_at, last_heartbeat) VALUES (@id, @name, @address, '{Active}', {NowMs}, {NowMs}) ON CONFLICT (silo_id) DO NOTHING",
                    connection,
                    transaction))
                {
                    insert.Parameters.AddWithValue("id", siloId);
                    insert.Parameters.AddWithValue("name", name);
                    insert.Parameters.AddWithValue("address", address.ToString());
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await BumpVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Writes a heartbeat; false when the row is no longer active (the silo was declared dead).</summary>
    public async Task<bool> HeartbeatAsync(string siloId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"UPDATE cluster_members SET last_heartbeat = {NowMs} WHERE silo_id = @id AND status = '{Active}'");
        command.Parameters.AddWithValue("id", siloId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Marks the silo as gone on a graceful stop, so others take its grains at once instead of after the death timeout.</summary>
    public Task LeaveAsync(string siloId, CancellationToken cancellationToken) =>
        EndAsync($"silo_id = @id AND status = '{Active}'", Left, command => command.Parameters.AddWithValue("id", siloId), cancellationToken);

    /// <summary>Declares dead every active silo whose last heartbeat is older than <paramref name="deathTimeout"/>, then reads the view.</summary>
    public async Task<MembershipView> ReadViewAsync(TimeSpan deathTimeout, CancellationToken cancellationToken)
    {
        await EndAsync(
            $"status = '{Active}' AND last_heartbeat < {NowMs} - @timeout",
            Dead,
            command => command.Parameters.AddWithValue("timeout", (long)deathTimeout.TotalMilliseconds),
            cancellationToken).ConfigureAwait(false);

        // One statement, one snapshot: the version and the members it read always belong together.
        await using var command = dataSource.CreateCommand($"""
            SELECT v.version, m.silo_id, m.name, m.address
            FROM cluster_membership_version v
            LEFT JOIN cluster_members m ON m.status = '{Active}'
            ORDER BY m.silo_id
            """);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            long version = 0;
            var members = ImmutableArray.CreateBuilder<ClusterMember>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                version = reader.GetInt64(0);
                if (!reader.IsDBNull(1))
                {
                    members.Add(new ClusterMember(reader.GetString(1), reader.GetString(2), new Uri(reader.GetString(3))));
                }
            }

            return new MembershipView(version, members.ToImmutable());
        }
    }

    /// <summary>Every row, dead ones included (diagnosis and tests).</summary>
    public async Task<IReadOnlyList<(string SiloId, string Name, string Status)>> ReadAllAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT silo_id, name, status FROM cluster_members ORDER BY started_at");
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var rows = new List<(string, string, string)>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }

            return rows;
        }
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    private async Task EndAsync(string where, string status, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                int ended;
#pragma warning disable CA2100 // The SQL is built from constants of this class only; values are parameters.
                await using (var update = new NpgsqlCommand($"UPDATE cluster_members SET status = '{status}', ended_at = {NowMs} WHERE {where}", connection, transaction))
#pragma warning restore CA2100
                {
                    bind(update);
                    ended = await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                if (ended > 0)
                {
                    await BumpVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task BumpVersionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var bump = new NpgsqlCommand("UPDATE cluster_membership_version SET version = version + 1 WHERE id = 1", connection, transaction);
        await bump.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
