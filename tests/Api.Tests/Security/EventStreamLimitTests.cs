using System.Net;
using Microsoft.AspNetCore.Hosting;
using static OrleansConsistency.Api.Tests.ApiClient;

namespace OrleansConsistency.Api.Tests.Security;

/// <summary>Open event streams are capped per process and per tenant; one more is told to come back, and a closed one frees its slot.</summary>
public sealed class EventStreamLimitTests(EventStreamLimitTests.Factory factory) : IClassFixture<EventStreamLimitTests.Factory>
{
    [Fact]
    public async Task StreamPastTheLimit_Answers429WithRetryAfter_AndAClosedStreamFreesItsSlot()
    {
        using var client = factory.CreateClient();
        var id = NewId();
        await client.ApplyAsync("carts", id, """{"op":"set","payload":{}}""");

        using var first = await OpenAsync(client, $"/v1/resources/carts/{id}/events");
        using var second = await OpenAsync(client, "/v1/resources/carts/events");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        using (var third = await OpenAsync(client, $"/v1/resources/carts/{id}/events"))
        {
            var problem = await AssertProblemAsync(third, (HttpStatusCode)429, "too-many-streams");
            Assert.Contains("2 event streams", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.NotNull(third.Headers.RetryAfter);
        }

        // Ordinary requests are not counted against streams.
        Assert.Equal(1, await client.GetVersionAsync("carts", id));

        second.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            using var again = await OpenAsync(client, $"/v1/resources/carts/{id}/events");
            if (again.StatusCode == HttpStatusCode.OK)
            {
                break;
            }

            // The server notices the closed stream on its own schedule; try again until it does.
            Assert.Equal((HttpStatusCode)429, again.StatusCode);
            await Task.Delay(100, timeout.Token);
        }
    }

    [Fact]
    public async Task ATenantPastItsShareOfStreams_Answers429_WhileAnotherTenantStillOpensOne()
    {
        using var client = factory.CreateClient();
        using var streamy = await IssuedKeys.NewClientAsync(factory, client, "streamy", "reader");
        var id = NewId();

        using var first = await OpenAsync(streamy, $"/v1/resources/carts/{id}/events?from=0");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using (var second = await OpenAsync(streamy, "/v1/resources/carts/events"))
        {
            var problem = await AssertProblemAsync(second, (HttpStatusCode)429, "too-many-streams");
            Assert.Contains("Your tenant already keeps 1 event streams", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using var other = await OpenAsync(client, $"/v1/resources/carts/{id}/events?from=0");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    private static Task<HttpResponseMessage> OpenAsync(HttpClient client, string path) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative)), HttpCompletionOption.ResponseHeadersRead);

    /// <summary>The default API keeping at most two event streams open, and one for the tenant <c>streamy</c>.</summary>
    public sealed class Factory : ApiFactory
    {
        protected override void Configure(IWebHostBuilder builder)
        {
            builder.UseSetting("Api:MaxOpenEventStreams", "2");
            builder.UseSetting("Api:Limits:Tenants:streamy:MaxOpenEventStreams", "1");
        }
    }
}
