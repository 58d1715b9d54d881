using System.Globalization;
using System.Net;
using static OrleansConsistency.Api.Tests.ApiClient;

namespace OrleansConsistency.Api.Tests.PartialFailures;

/// <summary>
/// A silo whose idle activations can be collected on demand (the test collects them itself, through Orleans'
/// management grain, whatever the configured idle age), so a test can make a resource's next activation slow.
/// </summary>
public sealed class CollectableApiFactory : PartialFailureApiFactory
{
}

/// <summary>Reads that cannot reach the resource in time answer from the read model, saying they are stale and how old.</summary>
public sealed class ReadFallbackApiTests(CollectableApiFactory factory) : PartialFailureTestBase<CollectableApiFactory>(factory)
{
    [Theory]
    [InlineData("strong")]
    [InlineData("eventual")]
    public async Task ResourceTooSlowToLoad_ReadAnswersTheReadModelsCopy_MarkedStaleWithItsAge(string consistency)
    {
        var id = NewId();
        await SettleAsync(id, """{"op":"set","payload":{"colour":"blue"}}""");
        await DeactivateAllAsync();
        Factory.Faults.ReadLatency = TimeSpan.FromSeconds(2);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/resources/carts/{id}?consistency={consistency}").WithHeader("Request-Timeout", "400");
        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = await ReadJsonAsync(response);
        var root = body.RootElement;
        Assert.Equal("read-model", root.GetProperty("source").GetString());
        Assert.Equal(consistency, root.GetProperty("consistency").GetString());
        Assert.Equal(1, root.GetProperty("version").GetInt64());
        Assert.Equal("blue", root.GetProperty("document").GetProperty("colour").GetString());
        var stale = root.GetProperty("stale");
        Assert.Contains("did not answer in time", stale.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var age = stale.GetProperty("ageSeconds").GetDouble();
        Assert.True(age >= 0);
        Assert.Equal(((long)age).ToString(CultureInfo.InvariantCulture), Header(response, "Age"));
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task ResourceTooSlowToLoad_AndUnknownToTheReadModel_Answers503Timeout()
    {
        var id = NewId();
        await DeactivateAllAsync();
        Factory.Faults.ReadLatency = TimeSpan.FromSeconds(2);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/resources/carts/{id}").WithHeader("Request-Timeout", "300");
        using var response = await Client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "timeout");
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task HealthyResource_ReadIsNotMarkedStale()
    {
        var id = NewId();
        await SettleAsync(id, """{"op":"set","payload":{"a":1}}""");

        using var response = await Client.GetAsync(new Uri($"/v1/resources/carts/{id}", UriKind.Relative));

        using var body = await ReadJsonAsync(response);
        Assert.Equal("grain", body.RootElement.GetProperty("source").GetString());
        Assert.False(body.RootElement.TryGetProperty("stale", out _));
    }

    private async Task SettleAsync(string id, string json)
    {
        using var response = await Client.SendAsync(Intent("carts", id, NewId(), json).WithHeader("Prefer", "wait=10"));
        using var status = await ReadJsonAsync(response);
        Assert.Equal("settled", status.RootElement.GetProperty("state").GetString());
    }

    /// <summary>Every activation goes, so the next call to a resource loads it from storage again.</summary>
    private async Task DeactivateAllAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var silo = Factory.Silo;
        while (await silo.CountAsync() > 0)
        {
            await silo.CollectIdleActivationsAsync(TimeSpan.FromMilliseconds(1));
            await Task.Delay(10, timeout.Token);
        }
    }
}
