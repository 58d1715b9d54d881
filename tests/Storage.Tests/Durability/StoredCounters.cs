using System.Data.Common;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Storage.Tests.Durability;

/// <summary>Reads the counters' stored values straight from the database, bypassing the runtime.</summary>
internal static class StoredCounters
{
    private const string Query = "SELECT grain_id, payload FROM grain_state WHERE grain_type = 'counter'";

    /// <summary>Each counter grain's stored value, by key.</summary>
    public static async Task<Dictionary<string, long>> ReadAsync(string provider, string connectionString)
    {
        // A fresh, unpooled connection: for SQLite it opens the file the way a restarted silo would, recovering from
        // the write-ahead log what the killed process committed.
        DbConnection connection = provider == StorageOptions.PostgresProvider
            ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString)
            : new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false, Mode = SqliteOpenMode.ReadWrite }.ConnectionString);
        await using (connection)
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = Query;
            await using var reader = await command.ExecuteReaderAsync();
            var values = new Dictionary<string, long>(StringComparer.Ordinal);
            while (await reader.ReadAsync())
            {
                using var payload = JsonDocument.Parse(reader.GetString(1));
                values[reader.GetString(0)] = payload.RootElement.GetProperty("value").GetInt64();
            }

            return values;
        }
    }
}
