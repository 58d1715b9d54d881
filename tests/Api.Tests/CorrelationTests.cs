using System.Net;
using static OrleansConsistency.Api.Tests.ApiClient;

namespace OrleansConsistency.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class CorrelationTests(ApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task SuppliedCorrelationId_IsEchoed_AndRecordedWithTheIntent()
    {
        var correlationId = "req-" + NewId();

        using var response = await _client.SendAsync(Intent("carts", NewId(), NewId(), """{"op":"set","payload":{}}""").WithHeader("X-Correlation-Id", correlationId));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(correlationId, Header(response, "X-Correlation-Id"));
        using var status = await ReadJsonAsync(response);
        Assert.Equal(correlationId, status.RootElement.GetProperty("correlationId").GetString());
    }

    [Fact]
    public async Task MissingCorrelationId_IsGenerated_AndEchoed()
    {
        using var response = await _client.PostIntentAsync("carts", NewId(), NewId(), """{"op":"set","payload":{}}""");

        var generated = Header(response, "X-Correlation-Id");
        Assert.Matches("^[0-9a-f]{32}$", generated);
        using var status = await ReadJsonAsync(response);
        Assert.Equal(generated, status.RootElement.GetProperty("correlationId").GetString());
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("é")]
    public async Task UnusableCorrelationId_IsReplaced_NotRefused(string supplied)
    {
        using var response = await _client.SendAsync(Intent("carts", NewId(), NewId(), """{"op":"set","payload":{}}""").WithHeader("X-Correlation-Id", supplied));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Matches("^[0-9a-f]{32}$", Header(response, "X-Correlation-Id"));
    }

    [Fact]
    public async Task TooLongCorrelationId_IsReplaced()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live").WithHeader("X-Correlation-Id", new string('c', 129));

        using var response = await _client.SendAsync(request);

        Assert.Matches("^[0-9a-f]{32}$", Header(response, "X-Correlation-Id"));
    }

    [Fact]
    public async Task ProblemAnswers_EchoTheCorrelationId_InTheHeaderAndTheBody()
    {
        using var response = await _client.SendAsync(Intent("carts", NewId(), key: null, "{}").WithHeader("X-Correlation-Id", "trace-me"));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "missing-idempotency-key");
        Assert.Equal("trace-me", problem.GetProperty("correlationId").GetString());
    }
}
