using System.Globalization;
using Npgsql;

namespace OrleansConsistency.Bench.Harness;

/// <summary>
/// CPU time used by a PostgreSQL server running on this machine: its postmaster and every backend it forked, read from
/// <c>/proc</c> (user + system; backends that exited are in the postmaster's children's times). It lets a storage
/// benchmark charge the database's work per write as well as the client's. Unavailable (null) for a remote server or
/// without <c>/proc</c>.
/// </summary>
public sealed class PostgresCpu
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on Linux.
    private readonly int _postmaster;

    private PostgresCpu(int postmaster) => _postmaster = postmaster;

    /// <summary>The server's postmaster PID, for the report.</summary>
    public int Postmaster => _postmaster;

    /// <summary>Finds the server behind <paramref name="connectionString"/>, or returns null when it is not on this machine.</summary>
    public static async Task<PostgresCpu?> FindAsync(string connectionString)
    {
        int backend;
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
            backend = (int)(await command.ExecuteScalarAsync())!;
        }

        // The backend's parent is the postmaster, if this process can see it (same machine, same PID namespace).
        return Stat(backend) is { } stat && Stat(stat.Parent) is { Command: "postgres" or "postmaster" } ? new PostgresCpu(stat.Parent) : null;
    }

    /// <summary>The server's CPU time so far.</summary>
    public TimeSpan Read()
    {
        double ticks = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            if (pid == _postmaster && Stat(pid) is { } postmaster)
            {
                ticks += postmaster.Ticks + postmaster.ChildrenTicks;
            }
            else if (Stat(pid) is { } stat && stat.Parent == _postmaster)
            {
                ticks += stat.Ticks;
            }
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    private static ProcessStat? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so split after the last ')'.
        var open = text.IndexOf('(', StringComparison.Ordinal);
        var close = text.LastIndexOf(')');
        if (open < 0 || close < open)
        {
            return null;
        }

        var fields = text[(close + 2)..].Split(' ');

        // After comm: [0] state, [1] ppid, ... [11] utime, [12] stime, [13] cutime, [14] cstime.
        static long Field(string[] fields, int index) => long.Parse(fields[index], CultureInfo.InvariantCulture);
        return new ProcessStat(
            text[(open + 1)..close],
            (int)Field(fields, 1),
            Field(fields, 11) + Field(fields, 12),
            Field(fields, 13) + Field(fields, 14));
    }

    private sealed record ProcessStat(string Command, int Parent, long Ticks, long ChildrenTicks);
}
