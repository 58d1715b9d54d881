using System.Net;
using System.Text.Json;

namespace OrleansConsistency.Api.Tests.Operations;

/// <summary><c>GET /ops/summary</c>'s trends (sampled in the process) and its one list of dependencies.</summary>
public sealed class OpsSummaryTrendsTests(TrendsApiFactory factory) : IClassFixture<TrendsApiFactory>
{
    [Fact]
    public async Task Trends_SampleAcceptedAndSettledPerSecond_AndDependenciesAreListedOnceEach()
    {
        using var client = factory.CreateClient();
        var id = ApiClient.NewId();
        for (var i = 0; i < 3; i++)
        {
            await client.ApplyAsync("trends", id, """{"op":"increment","payload":{"n":1}}""");
        }

        JsonElement root = default;
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!wait.IsCancellationRequested)
        {
            using var response = await client.GetAsync(new Uri("/ops/summary", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using (var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()))
            {
                root = document.RootElement.Clone();
            }

            var points = root.GetProperty("trends").GetProperty("points").EnumerateArray().ToList();
            if (points.Any(p => p.GetProperty("acceptedPerSecond").GetDouble() > 0) && points.Any(p => p.GetProperty("settledPerSecond").GetDouble() > 0))
            {
                break;
            }

            await Task.Delay(100);
        }

        var trends = root.GetProperty("trends");
        Assert.Equal(0.2, trends.GetProperty("intervalSeconds").GetDouble());
        Assert.Equal(900, trends.GetProperty("windowSeconds").GetDouble());
        var sampled = trends.GetProperty("points").EnumerateArray().ToList();
        Assert.Contains(sampled, p => p.GetProperty("acceptedPerSecond").GetDouble() > 0);
        Assert.Contains(sampled, p => p.GetProperty("settledPerSecond").GetDouble() > 0);
        Assert.Contains(sampled, p => p.GetProperty("settleP99").ValueKind == JsonValueKind.Number);
        Assert.All(sampled, p => Assert.True(p.TryGetProperty("perceivedDoneP99", out _) && p.TryGetProperty("lagSeconds", out _)));

        var names = root.GetProperty("dependencies").EnumerateArray().Select(d => d.GetProperty("name").GetString()).ToList();
        Assert.Equal(names.Distinct().Count(), names.Count);
        Assert.Contains("payment", names);
        var payment = root.GetProperty("dependencies").EnumerateArray().Single(d => d.GetProperty("name").GetString() == "payment");
        Assert.Equal("closed", payment.GetProperty("breaker").GetString());
        Assert.True(payment.GetProperty("slotLimit").GetInt32() > 0);
        Assert.True(payment.TryGetProperty("queueLimit", out _) && payment.TryGetProperty("faults", out _));
        Assert.False(root.TryGetProperty("breakers", out _));
        Assert.False(root.TryGetProperty("bulkheads", out _));
    }
}
