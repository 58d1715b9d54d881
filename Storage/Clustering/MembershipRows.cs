using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Orleans;
using Orleans.Runtime;

namespace OrleansConsistency.Storage.Clustering;

/// <summary>Binds membership entries to the parameters of <see cref="MembershipSql"/> and reads them back.</summary>
internal static class MembershipRows
{
    /// <summary>
    /// The version etag reported for a cluster without a version row. The etag sequence starts at 1, so no compare-and-swap
    /// can ever match it: every write fails until the table is initialized again.
    /// </summary>
    public const string MissingVersionEtag = "0";

    /// <summary>An etag as this provider writes it: the row's sequence number.</summary>
    public static string FormatEtag(long etag) => etag.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads an etag this provider handed out. Anything else (null, empty, another provider's etag) cannot match any
    /// row, so the caller's compare-and-swap simply fails, as the contract wants for a stale etag.
    /// </summary>
    public static bool TryParseEtag(string? etag, out long value) =>
        long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;

    /// <summary>Adds the cluster id and the silo's key columns.</summary>
    public static void AddKey(NpgsqlParameterCollection parameters, string clusterId, SiloAddress silo)
    {
        parameters.Add(Text("cluster_id", clusterId));
        parameters.Add(Text("address", silo.Endpoint.Address.ToString()));
        parameters.Add(Integer("port", silo.Endpoint.Port));
        parameters.Add(Integer("generation", silo.Generation));
    }

    /// <summary>Adds the key and every other column of the entry (but the etag, which the statement generates).</summary>
    public static void AddEntry(NpgsqlParameterCollection parameters, string clusterId, MembershipEntry entry)
    {
        AddKey(parameters, clusterId, entry.SiloAddress);
        parameters.Add(Text("silo_name", entry.SiloName));
        parameters.Add(Text("host_name", entry.HostName));
        parameters.Add(Text("role_name", entry.RoleName));
        parameters.Add(Integer("update_zone", entry.UpdateZone));
        parameters.Add(Integer("fault_zone", entry.FaultZone));
        parameters.Add(Integer("status", (int)entry.Status));
        parameters.Add(Integer("proxy_port", entry.ProxyPort));
        parameters.Add(Text("suspect_times", SuspectTimesText.Format(entry.SuspectTimes)));
        parameters.Add(Time("last_suspect_time", SuspectTimesText.Latest(entry.SuspectTimes)));
        parameters.Add(Time("start_time", entry.StartTime));
        parameters.Add(Time("i_am_alive_time", entry.IAmAliveTime));
    }

    /// <summary>
    /// Reads the result of <see cref="MembershipSql.ReadAll"/> or <see cref="MembershipSql.ReadRow"/>: the version
    /// from any row, a member from each row whose member columns are not null. Null when the cluster has no version row.
    /// </summary>
    public static async Task<(TableVersion Version, List<Tuple<MembershipEntry, string>> Members)?> ReadAsync(
        NpgsqlCommand command, Action<string, SiloAddress> onMalformedVote, CancellationToken cancellationToken)
    {
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            TableVersion? version = null;
            var members = new List<Tuple<MembershipEntry, string>>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                version ??= new TableVersion(reader.GetInt32(0), FormatEtag(reader.GetInt64(1)));
                if (!reader.IsDBNull(2))
                {
                    members.Add(ReadMember(reader, onMalformedVote));
                }
            }

            return version is null ? null : (version, members);
        }
    }

    private static Tuple<MembershipEntry, string> ReadMember(NpgsqlDataReader reader, Action<string, SiloAddress> onMalformedVote)
    {
        var silo = SiloAddress.New(
            System.Net.IPAddress.Parse(reader.GetString(2)), reader.GetInt32(3), reader.GetInt32(4));
        var entry = new MembershipEntry
        {
            SiloAddress = silo,
            Status = (SiloStatus)reader.GetInt32(5),
            ProxyPort = reader.GetInt32(6),
            SiloName = NullableString(reader, 7)!,
            HostName = NullableString(reader, 8)!,
            RoleName = NullableString(reader, 9),
            UpdateZone = reader.GetInt32(10),
            FaultZone = reader.GetInt32(11),
            SuspectTimes = SuspectTimesText.Parse(NullableString(reader, 12), vote => onMalformedVote(vote, silo)),
            StartTime = reader.GetFieldValue<DateTime>(13),
            IAmAliveTime = reader.GetFieldValue<DateTime>(14),
        };
        return Tuple.Create(entry, FormatEtag(reader.GetInt64(15)));
    }

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>A text parameter; typed, so that a null is sent as a typed NULL.</summary>
    public static NpgsqlParameter Text(string name, string? value) =>
        new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    /// <summary>An integer parameter.</summary>
    public static NpgsqlParameter Integer(string name, int value) => new(name, NpgsqlDbType.Integer) { Value = value };

    /// <summary>A bigint parameter.</summary>
    public static NpgsqlParameter Bigint(string name, long value) => new(name, NpgsqlDbType.Bigint) { Value = value };

    /// <summary>
    /// A timestamptz parameter. PostgreSQL keeps microseconds, so the last tick digit of a .NET time is dropped
    /// (the times serve liveness checks, cleanup and diagnosis, for none of which a microsecond matters).
    /// </summary>
    public static NpgsqlParameter Time(string name, DateTime? value) =>
        new(name, NpgsqlDbType.TimestampTz) { Value = value is { } time ? MembershipTimes.ToUtc(time) : DBNull.Value };
}
