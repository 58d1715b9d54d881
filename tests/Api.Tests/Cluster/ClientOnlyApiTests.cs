using System.Net;
using System.Text.Json;
using OrleansConsistency.Api.Tests.Durability;
using OrleansConsistency.TestSupport;
using Xunit.Abstractions;

namespace OrleansConsistency.Api.Tests.Cluster;

/// <summary>
/// The API as a pure Orleans client (<c>Silo:Cluster:ClientOnly</c>) of a real silo process on PostgreSQL: it lists
/// that silo from Orleans' membership, serves the dashboard from the silo's part of it, and once the silo is gone
/// says it cannot serve writes.
/// </summary>
[Collection(ProcessKillCollection.Name)]
public sealed class ClientOnlyApiTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ClientOnlyApi_ListsTheSilo_ServesTheDashboard_AndIsUnavailableWithoutSilos()
    {
        var directory = Directory.CreateTempSubdirectory("orleansconsistency-clientonly-").FullName;
        var connectionString = await (await PostgresServer.StartAsync()).CreateDatabaseAsync("clientonly");
        var environment = new Dictionary<string, string>
        {
            ["Silo__Storage__Provider"] = "postgresql",
            ["Silo__Storage__ConnectionString"] = connectionString,
            ["Silo__Cluster__Enabled"] = "true",
        };
        SiloProcess? silo = null;
        ApiProcess? api = null;
        try
        {
            silo = await SiloProcess.StartAsync("silo-1", environment, directory, StartTimeout);
            api = await ApiProcess.StartAsync("postgresql", connectionString, directory, StartTimeout,
                new Dictionary<string, string>(environment) { ["Silo__Cluster__ClientOnly"] = "true" });
            using var http = TestApiKeys.ClientFor(api.Address, TimeSpan.FromSeconds(15));

            using (var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative)))
            {
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
                using var body = await ApiClient.ReadJsonAsync(ready);
                var silos = body.RootElement.GetProperty("silos");
                Assert.Equal(1, silos.GetProperty("active").GetInt32());
                var member = Assert.Single(silos.GetProperty("members").EnumerateArray());
                Assert.Equal("silo-1", member.GetProperty("name").GetString());
                Assert.Equal("Active", member.GetProperty("status").GetString());
                Assert.Equal(JsonValueKind.String, member.GetProperty("startedAt").ValueKind);
            }

            using (var summary = await http.GetAsync(new Uri("/ops/summary", UriKind.Relative)))
            {
                using var body = await ApiClient.ReadJsonAsync(summary);
                var member = Assert.Single(body.RootElement.GetProperty("silos").GetProperty("members").EnumerateArray());
                Assert.Equal("silo-1", member.GetProperty("name").GetString());
                Assert.Equal("Active", member.GetProperty("status").GetString());
            }

            using (var page = await http.GetAsync(new Uri("/dashboard/", UriKind.Relative)))
            {
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
                Assert.Contains("<title>Orleans Dashboard</title>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            // The client asks the silo's dashboard grain: the silo process has the dashboard's part.
            using (var counters = await http.GetAsync(new Uri("/dashboard/DashboardCounters", UriKind.Relative)))
            {
                Assert.Equal(HttpStatusCode.OK, counters.StatusCode);
                using var body = await ApiClient.ReadJsonAsync(counters);
                var host = Assert.Single(body.RootElement.GetProperty("hosts").EnumerateArray());
                Assert.Equal("silo-1", host.GetProperty("siloName").GetString());
            }

            await silo.KillAsync();
            var (status, unavailable) = await WaitForReadinessAsync(http, HttpStatusCode.ServiceUnavailable);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal("unavailable", unavailable.GetProperty("status").GetString());
            Assert.Equal(0, unavailable.GetProperty("silos").GetProperty("active").GetInt32());
            Assert.False(string.IsNullOrEmpty(unavailable.GetProperty("silos").GetProperty("error").GetString()));
        }
        catch
        {
            output.WriteLine($"--- silo-1 ---\n{silo?.Output}");
            output.WriteLine($"--- API ---\n{api?.Output}");
            throw;
        }
        finally
        {
            if (api is not null)
            {
                await api.DisposeAsync();
            }

            if (silo is not null)
            {
                await silo.DisposeAsync();
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task ARevokedKey_StopsWorkingOnEveryApiProcess_WithinASecond()
    {
        var directory = Directory.CreateTempSubdirectory("orleansconsistency-revoke-").FullName;
        var connectionString = await (await PostgresServer.StartAsync()).CreateDatabaseAsync("revoke");
        var environment = new Dictionary<string, string>
        {
            ["Silo__Storage__Provider"] = "postgresql",
            ["Silo__Storage__ConnectionString"] = connectionString,
            ["Silo__Cluster__Enabled"] = "true",
            ["Silo__Cluster__ClientOnly"] = "true",
        };
        SiloProcess? silo = null;
        ApiProcess? first = null, second = null;
        try
        {
            silo = await SiloProcess.StartAsync("silo-1", new Dictionary<string, string>(environment) { ["Silo__Cluster__ClientOnly"] = "false" }, directory, StartTimeout);
            first = await ApiProcess.StartAsync("postgresql", connectionString, directory, StartTimeout, environment);
            second = await ApiProcess.StartAsync("postgresql", connectionString, directory, StartTimeout, environment);
            using var admin = TestApiKeys.ClientFor(first.Address, TimeSpan.FromSeconds(15));
            var (keyId, key) = await Security.IssuedKeys.CreateAsync(admin, "default", "reader");
            using var elsewhere = new HttpClient { BaseAddress = second.Address, Timeout = TimeSpan.FromSeconds(15) }.Authorize(key);

            // Made on one process, it works on the other (which looks again when it meets a key it does not know).
            using (var before = await elsewhere.GetAsync(new Uri("/v1/resources/orders", UriKind.Relative)))
            {
                Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            }

            using (var revoke = await admin.DeleteAsync(new Uri($"/v1/admin/keys/{keyId}", UriKind.Relative)))
            {
                Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
            }

            var revokedAt = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                using var after = await elsewhere.GetAsync(new Uri("/v1/resources/orders", UriKind.Relative));
                if (after.StatusCode == HttpStatusCode.Unauthorized)
                {
                    break;
                }

                Assert.Equal(HttpStatusCode.OK, after.StatusCode);
                Assert.True(revokedAt.Elapsed < TimeSpan.FromSeconds(1), $"the revoked key still worked on the other process after {revokedAt.ElapsedMilliseconds} ms");
                await Task.Delay(20);
            }

            output.WriteLine($"revoked key refused on the other process after {revokedAt.ElapsedMilliseconds} ms");
        }
        catch
        {
            output.WriteLine($"--- silo-1 ---\n{silo?.Output}");
            output.WriteLine($"--- first API ---\n{first?.Output}");
            output.WriteLine($"--- second API ---\n{second?.Output}");
            throw;
        }
        finally
        {
            foreach (var process in new IAsyncDisposable?[] { second, first, silo })
            {
                if (process is not null)
                {
                    await process.DisposeAsync();
                }
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Polls readiness until it answers <paramref name="expected"/> (or the wait limit passes), and returns the last answer.</summary>
    private static async Task<(HttpStatusCode Status, JsonElement Body)> WaitForReadinessAsync(HttpClient http, HttpStatusCode expected)
    {
        using var limit = new CancellationTokenSource(WaitLimit);
        while (true)
        {
            using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
            using var body = await ApiClient.ReadJsonAsync(response);
            if (response.StatusCode == expected || limit.IsCancellationRequested)
            {
                return (response.StatusCode, body.RootElement.Clone());
            }

            await Task.Delay(200, CancellationToken.None);
        }
    }
}
