using System.Net;
using System.Text;
using static OrleansConsistency.Api.Tests.ApiClient;

namespace OrleansConsistency.Api.Tests.Security;

/// <summary>
/// Names that break the rules get one clear problem on every route, and nothing a client sends (ids, types, headers,
/// bodies) reaches the metrics or breaks the operator page's table.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HostileInputTests(ApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    public static TheoryData<string, string, string> EveryRoute => new()
    {
        { "GET", "/v1/resources/{type}/{id}", "" },
        { "GET", "/v1/resources/{type}", "" },
        { "POST", "/v1/resources/{type}/{id}/intents", """{"op":"set","payload":{}}""" },
        { "GET", "/v1/resources/{type}/{id}/intents/k1", "" },
        { "GET", "/v1/resources/{type}/{id}/events", "" },
        { "GET", "/v1/resources/{type}/events", "" },
        { "POST", "/v1/resources/{type}/{id}/intents/k1/resolution", """{"choice":"keep-mine"}""" },
        { "POST", "/v1/resources/{type}/{id}/rebuild", "" },
        { "POST", "/v1/resources/{type}/{id}/consumers/read-model/retry", "" },
    };

    [Theory]
    [MemberData(nameof(EveryRoute))]
    public async Task InvalidType_Answers400InvalidResourceType_OnEveryRoute(string method, string template, string body)
    {
        using var response = await _client.SendAsync(Request(method, template.Replace("{type}", "Not_A_Type").Replace("{id}", "a1"), body));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-resource-type");
        Assert.Contains("lower-case letters", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(EveryRoute))]
    public async Task InvalidId_Answers400InvalidResourceId_OnEveryRoute_AndChangesNothing(string method, string template, string body)
    {
        if (!template.Contains("{id}", StringComparison.Ordinal))
        {
            return;
        }

        var id = "-" + NewId();
        using var response = await _client.SendAsync(Request(method, template.Replace("{type}", "carts").Replace("{id}", id), body));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-resource-id");
        Assert.Contains("starting with a letter or digit", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal((0, 0), await factory.CountStoredAsync("carts", id));
    }

    [Fact]
    public async Task LongId_IsEchoedShortened_InTheProblemAndOnTheOperatorSummary()
    {
        var id = "x" + new string('y', 299) + "!";

        using var response = await _client.PostIntentAsync("carts", id, NewId(), """{"op":"set","payload":{}}""");

        var detail = (await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-resource-id")).GetProperty("detail").GetString()!;
        Assert.DoesNotContain(id, detail, StringComparison.Ordinal);
        Assert.True(detail.Length < 200, detail);
        using var summary = await ReadJsonAsync(await _client.GetAsync(new Uri("/ops/summary", UriKind.Relative)));
        var shown = summary.RootElement.GetProperty("failures").EnumerateArray()
            .Select(f => f.GetProperty("resource").GetString() ?? string.Empty)
            .Single(r => r.StartsWith("carts/xyyyy", StringComparison.Ordinal));
        Assert.True(shown.Length <= 120, shown);
        Assert.EndsWith("…", shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusedRequestsWithMadeUpTypes_AddNoMetricSeries()
    {
        var marker = "bogus" + NewId()[..10];
        for (var i = 0; i < 300; i++)
        {
            using var response = await _client.PostIntentAsync($"{marker}{i}", NewId(), NewId(), """{"op":"increment","payload":{"n":"x"}}""");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        var metrics = await _client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.DoesNotContain(marker, metrics, StringComparison.Ordinal);
        Assert.Contains("type=\"other\"", metrics, StringComparison.Ordinal);
    }

    /// <summary>
    /// 10,000 generated hostile requests: odd ids and types, deep and broken JSON, bad UTF-8, huge and odd headers,
    /// injection strings. Each gets a 4xx problem or a correct 2xx answer, never a 5xx, and none of the values sent
    /// shows up in <c>/metrics</c>. The seed is fixed, so a failure names a request that can be sent again.
    /// </summary>
    [Fact]
    public async Task TenThousandHostileRequests_GetProblemsOrAnswers_NeverA500_AndLeaveMetricsAlone()
    {
        var marker = "fz" + NewId()[..10];
        var fuzz = new HostileRequests(seed: 20261202, marker);
        var failures = new List<string>();
        var gate = new Lock();
        using var client = factory.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(30);

        await Parallel.ForEachAsync(Enumerable.Range(0, 10_000), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, cancellationToken) =>
        {
            using var request = fuzz.Create(i, out var description);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var status = (int)response.StatusCode;
            var isProblem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
            var isAnswer = status is >= 200 and < 300;
            if (status >= 500 || (!isAnswer && !isProblem))
            {
                lock (gate)
                {
                    failures.Add($"#{i} {description} -> {status} {response.Content.Headers.ContentType}");
                }
            }
        });

        Assert.True(failures.Count == 0, $"{failures.Count} requests were not answered with a problem or a result:\n{string.Join('\n', failures.Take(20))}");
        var metrics = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.DoesNotContain(marker, metrics, StringComparison.Ordinal);
    }

    private static HttpRequestMessage Request(string method, string path, string body)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (method == "POST")
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            request.Headers.TryAddWithoutValidation("Idempotency-Key", NewId());
        }

        return request;
    }
}
