using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace OrleansConsistency.Api.Tests.Telemetry;

/// <summary>
/// <c>GET /metrics</c> over HTTP under a small load: each counter moves by exactly what was done (a resource type of
/// its own keeps other tests' traffic out of the numbers), and the text is valid Prometheus exposition.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class MetricsEndpointTests(ApiFactory factory)
{
    private const int Applied = 5;

    [Fact]
    public async Task Metrics_CountAcceptedRefusedReplayedAndSettledIntents_PerType()
    {
        using var client = factory.CreateClient();
        var type = "metrics" + ApiClient.NewId()[..8];
        var id = ApiClient.NewId();

        var firstKey = ApiClient.NewId();
        for (var i = 0; i < Applied; i++)
        {
            using var request = ApiClient.Intent(type, id, i == 0 ? firstKey : ApiClient.NewId(), "{\"op\":\"increment\",\"payload\":{\"n\":1}}")
                .WithHeader("Prefer", "wait=10");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var replay = await client.PostIntentAsync(type, id, firstKey, "{\"op\":\"increment\",\"payload\":{\"n\":1}}"))
        {
            Assert.True(ApiClient.IsReplay(replay));
        }

        using (var refused = await client.PostIntentAsync(type, id, ApiClient.NewId(), "{\"op\":\"increment\",\"payload\":{\"n\":\"x\"}}"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        using var metrics = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal("text/plain", metrics.Content.Headers.ContentType?.MediaType);
        var text = await metrics.Content.ReadAsStringAsync();
        var samples = Parse(text);

        var ofType = $"type=\"{type}\"";
        Assert.Equal(Applied + 1, Value(samples, "oc_intents_accepted_total", ofType));
        Assert.Equal(1, Value(samples, "oc_intents_replays_total", ofType));
        Assert.Equal(1, Value(samples, "oc_intents_refused_total", ofType, "reason=\"invalid-intent\""));
        Assert.Equal(Applied, Value(samples, "oc_intents_settled_total", ofType));
        Assert.Equal(Applied, Value(samples, "oc_intents_settle_duration_seconds_count", ofType));
        Assert.Equal(Applied, Value(samples, "oc_intents_settle_duration_seconds_bucket", ofType, "le=\"+Inf\""));
        Assert.Equal(Applied + 2, Value(samples, "oc_intents_accept_duration_seconds_count", ofType, "outcome=\"accepted\"") + Value(samples, "oc_intents_accept_duration_seconds_count", ofType, "outcome=\"refused\""));
        Assert.True(Value(samples, "oc_intents_settle_duration_seconds_sum", ofType) > 0);

        // Activations per grain type are Orleans' own (meter Microsoft.Orleans, instrument orleans-grains: live
        // activations, tagged grain_type in Orleans 10.4.2), exported beside the product's. This test process runs
        // other tests' silos too, whose instruments share the name, so the value is read as a change: activating
        // another resource shows as one more (tried again when another silo's shutdown moved it meanwhile).
        var rose = false;
        for (var attempt = 0; !rose && attempt < 10; attempt++)
        {
            var before = await ActivationsAsync(client);
            await client.ApplyAsync(type, ApiClient.NewId(), "{\"op\":\"increment\",\"payload\":{\"n\":1}}");
            rose = await ActivationsAsync(client) >= before + 1;
        }

        Assert.True(rose, "activating a resource did not show in orleans_grains{grain_type=\"resource\"}");

        // Group commit: writes and the transactions that carried them (the mean batch is their ratio), and .NET's own meter.
        Assert.True(Value(samples, "oc_storage_writes_total") >= Applied);
        Assert.InRange(Value(samples, "oc_storage_transactions_total"), 1, Value(samples, "oc_storage_writes_total"));
        Assert.True(Value(samples, "oc_storage_commit_duration_seconds_count") >= Value(samples, "oc_storage_transactions_total"));
        Assert.Contains(samples, s => s.Name == "dotnet_gc_heap_total_allocated_bytes_total");

        // The consumer's lag and breaker are gauges read at the scrape: caught up and closed after the waits above.
        Assert.Contains(samples, s => s.Name == "oc_consumer_lag_versions" && s.Labels.Contains("consumer=\"read-model\"", StringComparison.Ordinal));
        Assert.Contains(samples, s => s.Name == "oc_consumer_lag_seconds" && s.Labels.Contains("consumer=\"read-model\"", StringComparison.Ordinal));
        Assert.Contains(samples, s => s.Name == "oc_dependency_breaker_state" && s.Labels.Contains("dependency=\"read-model\"", StringComparison.Ordinal));

        // Every sample belongs to a declared family, and histogram buckets are cumulative.
        var declared = TypeLine().Matches(text).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
        // (A gauge may itself end in "_count", e.g. .NET's dotnet_assembly_count, so its own name counts too.)
        Assert.All(samples, s => Assert.True(declared.Contains(s.Name) || declared.Contains(Family(s.Name)), $"{s.Name} has no # TYPE line."));
        var buckets = samples.Where(s => s.Name == "oc_intents_settle_duration_seconds_bucket" && s.Labels.Contains(ofType, StringComparison.Ordinal)).Select(s => s.Value).ToList();
        Assert.Equal(buckets.Order(), buckets);
    }

    [Fact]
    public async Task PerceivedTimings_AreValidated_AndExportedAsHistograms_TaggedWithConfiguredTypesOnly()
    {
        using var client = factory.CreateClient();
        var before = Parse(await client.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        var madeUp = "perceived" + ApiClient.NewId()[..8];

        // "orders" is configured under Resources:Types (appsettings.json); a made-up type is counted as "other".
        foreach (var body in new[] { "{\"type\":\"orders\",\"savedMs\":120,\"doneMs\":900}", $"{{\"type\":\"{madeUp}\",\"savedMs\":50}}" })
        {
            using var accepted = await client.PostAsync(new Uri("/v1/telemetry/perceived", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.NoContent, accepted.StatusCode);
        }

        foreach (var body in new[] { "not json", "{}", "{\"type\":\"orders\"}", "{\"type\":\"orders\",\"savedMs\":-1}", "{\"type\":\"orders\",\"savedMs\":1,\"doneMs\":3600001}", "{\"type\":\"\",\"savedMs\":1}", "{\"type\":\"orders\",\"savedMs\":\"12\"}" })
        {
            using var refused = await client.PostAsync(new Uri("/v1/telemetry/perceived", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            await ApiClient.AssertProblemAsync(refused, HttpStatusCode.BadRequest, "invalid-timing");
        }

        var text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var after = Parse(text);
        double Delta(string name, string type) => Value(after, name, $"type=\"{type}\"") - Value(before, name, $"type=\"{type}\"");
        Assert.Contains("# TYPE oc_perceived_saved_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE oc_perceived_done_seconds histogram", text, StringComparison.Ordinal);
        Assert.Equal(1, Delta("oc_perceived_saved_seconds_count", "orders"));
        Assert.Equal(0.12, Delta("oc_perceived_saved_seconds_sum", "orders"), 6);
        Assert.Equal(1, Delta("oc_perceived_done_seconds_count", "orders"));
        Assert.Equal(0.9, Delta("oc_perceived_done_seconds_sum", "orders"), 6);
        Assert.Equal(1, Delta("oc_perceived_saved_seconds_count", PerceivedOther));
        Assert.Equal(0, Delta("oc_perceived_done_seconds_count", PerceivedOther));
        Assert.DoesNotContain(madeUp, text, StringComparison.Ordinal);

        // Described for API clients: its tag and every answer it gives.
        using var openApi = await ApiClient.ReadJsonAsync(await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        var post = openApi.RootElement.GetProperty("paths").GetProperty("/v1/telemetry/perceived").GetProperty("post");
        Assert.Equal("Telemetry", post.GetProperty("tags")[0].GetString());
        Assert.All(PerceivedAnswers, code => Assert.True(post.GetProperty("responses").TryGetProperty(code, out _), code));
    }

    private const string PerceivedOther = "other";

    private static readonly string[] PerceivedAnswers = ["204", "400", "429"];

    [Fact]
    public async Task OpsSummary_ShowsTotalsConsumersAndRecentFailures()
    {
        using var client = factory.CreateClient();
        var type = "opssummary" + ApiClient.NewId()[..8];
        using (var refused = await client.PostIntentAsync(type, ApiClient.NewId(), ApiClient.NewId(), "{\"op\":\"increment\",\"payload\":{\"n\":\"x\"}}"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        using var response = await client.GetAsync(new Uri("/ops/summary", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var summary = await ApiClient.ReadJsonAsync(response);
        var root = summary.RootElement;
        Assert.True(root.GetProperty("totals").GetProperty("refused").GetDouble() >= 1);
        Assert.Contains(root.GetProperty("consumers").EnumerateArray(), c => c.GetProperty("name").GetString() == "read-model");
        Assert.Contains(root.GetProperty("failures").EnumerateArray(), f => f.GetProperty("resource").GetString()!.StartsWith(type + "/", StringComparison.Ordinal)
            && f.GetProperty("code").GetString() == "invalid-intent");
        Assert.False(root.GetProperty("faultInjection").GetBoolean());

        // The switches are off unless configured.
        using var pause = await client.PostAsync(new Uri("/ops/faults/consumers/read-model/pause", UriKind.Relative), null);
        await ApiClient.AssertProblemAsync(pause, HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Pages_AreServed_AsHtmlWithTheirScripts()
    {
        using var client = factory.CreateClient();
        foreach (var (path, type) in new[] { ("/", "text/html"), ("/ops", "text/html"), ("/ui/app.js", "text/javascript"), ("/ui/ops.js", "text/javascript"), ("/ui/site.css", "text/css") })
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        }

        using var missing = await client.GetAsync(new Uri("/ui/nothing.js", UriKind.Relative));
        await ApiClient.AssertProblemAsync(missing, HttpStatusCode.NotFound, "not-found");
    }

    private static readonly string[] HistogramSuffixes = ["_bucket", "_sum", "_count"];

    private static string Family(string sample) =>
        HistogramSuffixes.FirstOrDefault(s => sample.EndsWith(s, StringComparison.Ordinal)) is { } suffix && !sample.EndsWith("_total", StringComparison.Ordinal)
            ? sample[..^suffix.Length]
            : sample;

    private static async Task<double> ActivationsAsync(HttpClient client) =>
        Value(Parse(await client.GetStringAsync(new Uri("/metrics", UriKind.Relative))), "orleans_grains", "grain_type=\"resource\"");

    private static double Value(List<(string Name, string Labels, double Value)> samples, string name, params string[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.Contains(l, StringComparison.Ordinal))).Sum(s => s.Value);

    private static List<(string Name, string Labels, double Value)> Parse(string text)
    {
        var samples = new List<(string, string, double)>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"not a Prometheus sample line: {line}");
            var value = match.Groups["value"].Value;
            samples.Add((match.Groups["name"].Value, match.Groups["labels"].Value, value == "+Inf" ? double.PositiveInfinity : double.Parse(value, CultureInfo.InvariantCulture)));
        }

        return samples;
    }

    [GeneratedRegex("^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?<labels>([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*)\\})? (?<value>[^ ]+)$")]
    private static partial Regex SampleLine();

    [GeneratedRegex("^# TYPE (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$", RegexOptions.Multiline)]
    private static partial Regex TypeLine();
}
