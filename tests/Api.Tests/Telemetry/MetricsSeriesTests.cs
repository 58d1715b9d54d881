using System.Net;
using System.Text.RegularExpressions;
using OrleansConsistency.Api.Tests.Saga;

namespace OrleansConsistency.Api.Tests.Telemetry;

/// <summary>
/// <c>GET /metrics</c> is the OpenTelemetry Prometheus exporter over Orleans' and ASP.NET Core's meters beside the
/// product's, and what a client makes up never becomes a series: a thousand refused intents and a thousand reads of
/// made-up resource types leave the set of series (name and labels) as it was.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class MetricsSeriesTests(ApiFactory factory)
{
    private const int MadeUpTypes = 1000;

    private const string Marker = "bogus";

    private const string IntentsRoute = "http_route=\"/v1/resources/{type}/{id}/intents/\"";

    private const string ResourceRoute = "http_route=\"/v1/resources/{type}/{id}\"";

    [Fact]
    public async Task Metrics_CarryOrleansAndAspNetCoreMeters()
    {
        using var client = factory.CreateClient();
        await client.ApplyAsync("series" + ApiClient.NewId()[..8], ApiClient.NewId(), "{\"op\":\"increment\",\"payload\":{\"n\":1}}");

        // ASP.NET Core records a request's duration once its answer has been sent, so the client may read the scrape
        // first; and under a loaded CI run the silo's meters may be published to the exporter a moment later too.
        var series = await SeriesAsync(client);
        for (var attempt = 0; attempt < 100 && !(series.Any(IsIntentsRequestCount) && series.Any(IsOrleans)); attempt++)
        {
            await Task.Delay(100);
            series = await SeriesAsync(client);
        }

        Assert.Contains(series, IsOrleans);
        Assert.Contains(series, IsIntentsRequestCount);
    }

    /// <summary>
    /// A host that stops in the same process (here a sample dependency on loopback, as the saga tests run them) leaves
    /// the API's series in place: every host shares the process's meters, so none disposes one the API still records to.
    /// </summary>
    [Fact]
    public async Task Metrics_KeepTheirSeries_WhenAnotherHostInTheProcessStops()
    {
        using var client = factory.CreateClient();
        await using (var payment = await LoopbackService.StartAsync("payment"))
        {
            // Both hosts' request durations recorded and scraped: the SDK holds them as one metric.
            await payment.LedgerAsync();
            await SeriesAsync(client);
        }

        // The scrape after a host stops still shows what it merged; a metric the SDK drops is gone from the next one.
        await SeriesAsync(client);
        await client.ApplyAsync("series" + ApiClient.NewId()[..8], ApiClient.NewId(), "{\"op\":\"increment\",\"payload\":{\"n\":1}}");
        var series = await SeriesAsync(client);
        for (var attempt = 0; attempt < 100 && !series.Any(IsIntentsRequestCount); attempt++)
        {
            await Task.Delay(100);
            series = await SeriesAsync(client);
        }

        Assert.Contains(series, IsIntentsRequestCount);
    }

    [Fact]
    public async Task Metrics_IsDescribedInTheOpenApiDocument()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        using var document = await ApiClient.ReadJsonAsync(response);

        var scrape = document.RootElement.GetProperty("paths").GetProperty("/metrics").GetProperty("get");
        Assert.Equal("Metrics in the Prometheus text format", scrape.GetProperty("summary").GetString());
        Assert.Equal("Operations", scrape.GetProperty("tags")[0].GetString());
    }

    private static bool IsOrleans(string series) => series.StartsWith("orleans_", StringComparison.Ordinal);

    private static bool IsIntentsRequestCount(string series) =>
        series.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal) && series.Contains(IntentsRoute, StringComparison.Ordinal);

    [Fact]
    public async Task AThousandMadeUpResourceTypes_AddNoSeries()
    {
        using var client = factory.CreateClient();

        // A few of the same requests first, so that the series they legitimately add (their route and status on
        // ASP.NET Core's histogram, the "other" type on the refusal counter) exist before the count.
        await SendMadeUpAsync(client, 5, "warm");
        var before = await SeriesAsync(client);

        await SendMadeUpAsync(client, MadeUpTypes, "load");
        var after = await SeriesAsync(client);

        Assert.DoesNotContain(after, s => s.Contains(Marker, StringComparison.Ordinal));

        // Other collections' hosts share the process's meters and run meanwhile (refusing other requests on the same
        // routes), so only the series these requests could have added are compared: the intent instruments' for an
        // unnamed type refused as invalid, and ASP.NET Core's for a 400 on the intents route and a 404 on the resource's.
        Assert.DoesNotContain(after.Except(before), IsMadeUpRequests);
    }

    private static bool IsMadeUpRequests(string series) =>
        (series.StartsWith("oc_intents_", StringComparison.Ordinal) && series.Contains("type=\"other\"", StringComparison.Ordinal)
            && (series.Contains("reason=\"invalid-intent\"", StringComparison.Ordinal) || series.Contains("outcome=\"refused\"", StringComparison.Ordinal)))
        || (series.StartsWith("http_server_", StringComparison.Ordinal)
            && ((series.Contains(IntentsRoute, StringComparison.Ordinal) && series.Contains("http_response_status_code=\"400\"", StringComparison.Ordinal))
                || (series.Contains(ResourceRoute, StringComparison.Ordinal) && series.Contains("http_response_status_code=\"404\"", StringComparison.Ordinal))));

    /// <summary>A refused POST of an intent and a read (404) for each of <paramref name="count"/> made-up types and ids.</summary>
    private static async Task SendMadeUpAsync(HttpClient client, int count, string round)
    {
        for (var i = 0; i < count; i++)
        {
            var type = $"{Marker}-{round}-{i}";
            var id = $"{Marker}-id-{round}-{i}";
            using (var refused = await client.PostIntentAsync(type, id, ApiClient.NewId(), "{\"op\":\"increment\",\"payload\":{\"n\":\"x\"}}"))
            {
                Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            }

            using var read = await client.GetAsync(new Uri($"/v1/resources/{type}/{id}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        }
    }

    /// <summary>Every series in a scrape: the sample's name and labels, without its value (and timestamp, if any).</summary>
    private static async Task<HashSet<string>> SeriesAsync(HttpClient client)
    {
        var text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !line.StartsWith('#'))
            .Select(line => SeriesOf().Match(line).Groups["series"].Value)];
    }

    [GeneratedRegex("^(?<series>[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([^\"}]|\"([^\"\\\\]|\\\\.)*\")*\\})?) ")]
    private static partial Regex SeriesOf();
}
