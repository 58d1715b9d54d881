using System.Net;
using Microsoft.AspNetCore.Hosting;
using static OrleansConsistency.Api.Tests.ApiClient;

namespace OrleansConsistency.Api.Tests;

/// <summary>An API whose grain calls get no time at all, so every call misses its deadline before it starts.</summary>
public sealed class NoTimeApiFactory : ApiFactory
{
    protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("Api:GrainCallTimeout", "00:00:00");
}

public sealed class OutcomeUnknownTests(NoTimeApiFactory factory) : IClassFixture<NoTimeApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task SubmitWhoseGrainCallTimesOut_Answers503OutcomeUnknown_WithRetryAfter_NotAFailure()
    {
        var key = NewId();

        using var response = await _client.PostIntentAsync("carts", NewId(), key, """{"op":"set","payload":{}}""");

        var problem = await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "outcome-unknown");
        Assert.Contains("same Idempotency-Key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(key, problem.GetProperty("idempotencyKey").GetString());
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task ReadWhoseGrainCallTimesOut_Answers503Timeout_WithRetryAfter()
    {
        using var response = await _client.GetAsync(new Uri($"/v1/resources/carts/{NewId()}", UriKind.Relative));

        await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "timeout");
        Assert.NotNull(response.Headers.RetryAfter);
    }
}
