using Microsoft.Data.Sqlite;

namespace OrleansConsistency.Storage.Sqlite;

/// <summary>Derives the writer, reader and migrator connection strings from the configured one.</summary>
internal static class SqliteConnectionStrings
{
    /// <summary>How long a connection waits for another connection's write lock (other silos may share the file).</summary>
    public const int BusyTimeoutSeconds = 30;

    /// <summary>A dedicated, unpooled connection: the writer and the migrator own theirs for their whole life.</summary>
    public static string Dedicated(string configured)
    {
        var builder = new SqliteConnectionStringBuilder(configured) { Pooling = false, DefaultTimeout = BusyTimeoutSeconds };
        return builder.ToString();
    }

    /// <summary>Pooled connections for reads, which in WAL mode never wait for the writer.</summary>
    public static string Pooled(string configured)
    {
        var builder = new SqliteConnectionStringBuilder(configured) { Pooling = true, DefaultTimeout = BusyTimeoutSeconds };
        return builder.ToString();
    }

    /// <summary>Creates the database file's directory, e.g. <c>./data</c> for the default connection string.</summary>
    public static void EnsureDirectory(string configured)
    {
        var builder = new SqliteConnectionStringBuilder(configured);
        var dataSource = builder.DataSource;
        if (builder.Mode == SqliteOpenMode.Memory
            || string.IsNullOrWhiteSpace(dataSource)
            || dataSource == ":memory:"
            || dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }
}
