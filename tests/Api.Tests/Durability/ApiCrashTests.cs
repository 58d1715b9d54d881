using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using OrleansConsistency.TestSupport;
using Xunit.Abstractions;

namespace OrleansConsistency.Api.Tests.Durability;

/// <summary>
/// The API process is killed with SIGKILL while clients are sending intents. Every intent it had acknowledged must
/// then have its state and its event, and every resource's versions must be gapless.
/// </summary>
[Collection(ProcessKillCollection.Name)]
public sealed class ApiCrashTests(ITestOutputHelper output)
{
    private const int Clients = 32;
    private const int Resources = 16;
    private const int AcknowledgedBeforeKill = 1500;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task KillingTheApiMidLoad_LeavesEveryAcknowledgedIntentWithItsStateAndEvent_AndNoGaps(string provider)
    {
        var directory = Directory.CreateTempSubdirectory("orleansconsistency-crash-").FullName;
        var connectionString = provider == "postgresql"
            ? await (await PostgresServer.StartAsync()).CreateDatabaseAsync("crash")
            : $"Data Source={Path.Combine(directory, "crash.db")}";
        var acknowledged = new ConcurrentBag<(string Resource, string Key, long Version)>();

        await using (var api = await ApiProcess.StartAsync(provider, connectionString, directory, TimeSpan.FromSeconds(60)))
        {
            using var http = TestApiKeys.ClientFor(api.Address, TimeSpan.FromSeconds(10));
            using var stop = new CancellationTokenSource(Bound);
            var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var clients = Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
            {
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    var resource = $"r{(client + n) % Resources}";
                    var key = $"c{client}-{n}";
                    try
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/resources/crash/{resource}/intents")
                        {
                            Content = new StringContent("""{"op":"increment","payload":{"n":1}}""", Encoding.UTF8, "application/json"),
                        };
                        request.Headers.Add("Idempotency-Key", key);
                        using var response = await http.SendAsync(request, stop.Token);
                        if (response.StatusCode == HttpStatusCode.Accepted)
                        {
                            var status = await response.Content.ReadFromJsonAsync<JsonElement>(stop.Token);
                            acknowledged.Add((resource, key, status.GetProperty("version").GetInt64()));
                            if (acknowledged.Count >= AcknowledgedBeforeKill)
                            {
                                enough.TrySetResult();
                            }
                        }
                    }
#pragma warning disable CA1031 // After the kill every request fails; its outcome is unknown and it proves nothing.
                    catch (Exception) when (stop.IsCancellationRequested || enough.Task.IsCompleted)
#pragma warning restore CA1031
                    {
                        return;
                    }
                }
            })).ToArray();

            await enough.Task.WaitAsync(Bound);
            await api.KillAsync();
            await stop.CancelAsync();
            await Task.WhenAll(clients);
        }

        output.WriteLine($"{provider}: {acknowledged.Count} intents acknowledged before SIGKILL");
        await using var connection = Open(provider, connectionString);
        await connection.OpenAsync();

        var events = await ReadEventsAsync(connection);
        foreach (var (resource, key, version) in acknowledged)
        {
            Assert.True(events.TryGetValue((resource, version), out var eventKey), $"{resource} v{version} ({key}) was acknowledged but has no event");
            Assert.Equal(key, eventKey);
            Assert.Equal(version, await ScalarAsync(connection, $"SELECT version FROM intents WHERE resource_id = 'crash/{resource}' AND idempotency_key = '{key}'"));
        }

        foreach (var resource in events.Keys.Select(k => k.Resource).Distinct())
        {
            var versions = events.Keys.Where(k => k.Resource == resource).Select(k => k.Version).Order().ToList();
            Assert.Equal(Enumerable.Range(1, versions.Count).Select(v => (long)v), versions);
            Assert.Equal(versions[^1], await ScalarAsync(connection, $"SELECT version FROM grain_state WHERE grain_type = 'resource' AND grain_id = 'crash/{resource}'"));
            var keys = events.Where(e => e.Key.Resource == resource).Select(e => e.Value).ToList();
            Assert.Equal(keys.Count, keys.Distinct().Count());
        }
    }

    private static DbConnection Open(string provider, string connectionString) =>
        provider == "postgresql" ? new NpgsqlConnection(connectionString) : new SqliteConnection(connectionString);

    private static async Task<Dictionary<(string Resource, long Version), string>> ReadEventsAsync(DbConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT stream_key, version, intent_key FROM events WHERE stream_namespace = 'resource/crash'";
        await using var reader = await command.ExecuteReaderAsync();
        var events = new Dictionary<(string, long), string>();
        while (await reader.ReadAsync())
        {
            events.Add((reader.GetString(0), reader.GetInt64(1)), reader.GetString(2));
        }

        return events;
    }

    private static async Task<long?> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync() is { } value and not DBNull ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }
}
