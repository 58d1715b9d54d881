using System.Globalization;
using System.Net;
using System.Text.Json;
using static OrleansConsistency.Api.Tests.ApiClient;

namespace OrleansConsistency.Api.Tests.Cluster;

/// <summary>
/// The single-process default (the API with its co-hosted silo): readiness and the operator summary list that one
/// silo as Orleans has it, and Orleans' dashboard answers under <c>/dashboard/</c>.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class SiloListTests(ApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient(new() { AllowAutoRedirect = false });

    [Fact]
    public async Task Readiness_ListsTheCoHostedSilo_Active()
    {
        using var response = await _client.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = await ReadJsonAsync(response);
        Assert.Equal("ready", body.RootElement.GetProperty("status").GetString());
        AssertTheOneSilo(body.RootElement.GetProperty("silos"));
    }

    [Fact]
    public async Task OpsSummary_ListsTheSameSilo_AndWhereTheDashboardIs()
    {
        using var response = await _client.GetAsync(new Uri("/ops/summary", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = await ReadJsonAsync(response);
        AssertTheOneSilo(body.RootElement.GetProperty("silos"));
        Assert.Equal("/dashboard/", body.RootElement.GetProperty("dashboard").GetString());
    }

    [Fact]
    public async Task Dashboard_AnswersWithOrleansDashboardPage()
    {
        using var bare = await _client.GetAsync(new Uri("/dashboard", UriKind.Relative));
        Assert.Equal(HttpStatusCode.MovedPermanently, bare.StatusCode);
        Assert.Equal("/dashboard/", bare.Headers.Location?.OriginalString);

        using var page = await _client.GetAsync(new Uri("/dashboard/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>Orleans Dashboard</title>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DashboardCounters_ComeFromTheSilosPart_AndCountTheActiveSilo()
    {
        // The page's data is asked of the dashboard grain, which only a silo with the dashboard's part can host. It
        // gathers the silos' statistics once a second, so right after start it may not have counted the silo yet.
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        JsonDocument body;
        while (true)
        {
            using var response = await _client.GetAsync(new Uri("/dashboard/DashboardCounters", UriKind.Relative), limit.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            body = await ReadJsonAsync(response);
            if (body.RootElement.GetProperty("totalActiveHostCount").GetInt32() > 0)
            {
                break;
            }

            body.Dispose();
            await Task.Delay(200, limit.Token);
        }

        using var counted = body;
        Assert.Equal(1, body.RootElement.GetProperty("totalActiveHostCount").GetInt32());
        var host = Assert.Single(body.RootElement.GetProperty("hosts").EnumerateArray());
        Assert.EndsWith($":{factory.SiloPort.ToString(CultureInfo.InvariantCulture)}", host.GetProperty("siloAddress").GetString()!.Split('@')[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task DashboardLogStream_IsOffByDefault()
    {
        // Every log line would be readable by whoever reaches the API, which has no authentication.
        using var response = await _client.GetAsync(new Uri("/dashboard/Trace", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private void AssertTheOneSilo(JsonElement silos)
    {
        Assert.Equal(1, silos.GetProperty("active").GetInt32());
        Assert.Equal(JsonValueKind.Null, silos.GetProperty("error").ValueKind);
        Assert.Equal(0, silos.GetProperty("deadNotListed").GetInt32());
        var silo = Assert.Single(silos.GetProperty("members").EnumerateArray());
        Assert.Equal("Active", silo.GetProperty("status").GetString());
        Assert.StartsWith($"127.0.0.1:{factory.SiloPort.ToString(CultureInfo.InvariantCulture)}@", silo.GetProperty("address").GetString(), StringComparison.Ordinal);
        Assert.Equal(Environment.MachineName, silo.GetProperty("name").GetString());
        var started = silo.GetProperty("startedAt").GetDateTimeOffset();
        Assert.True(started <= DateTimeOffset.UtcNow, $"started {started:O}, in the future");
        Assert.Equal(JsonValueKind.String, silo.GetProperty("lastIAmAlive").ValueKind);
    }
}
