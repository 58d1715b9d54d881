using System.Net;
using Microsoft.AspNetCore.Hosting;
using static OrleansConsistency.Api.Tests.ApiClient;

namespace OrleansConsistency.Api.Tests;

/// <summary>An API whose requests get no time at all by default, so every grain call misses its deadline before it starts.</summary>
public sealed class NoTimeApiFactory : ApiFactory
{
    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Api:GrainCallTimeout", "00:00:00");
        builder.UseSetting("Api:RequestTimeouts:SubmitIntent", "00:00:00");
        builder.UseSetting("Api:RequestTimeouts:GetResource", "00:00:00");
    }
}

public sealed class OutcomeUnknownTests(NoTimeApiFactory factory) : IClassFixture<NoTimeApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task SubmitWhoseGrainCallGetsNoTime_Answers504DeadlineExceeded_NotStarted_WithRetryAfter()
    {
        var key = NewId();
        var id = NewId();

        using var response = await _client.PostIntentAsync("carts", id, key, """{"op":"set","payload":{}}""");

        // The call was never started (the runtime guarantees it never will be), so this is not an unknown outcome.
        var problem = await AssertProblemAsync(response, HttpStatusCode.GatewayTimeout, "deadline-exceeded");
        Assert.Contains("Nothing was changed", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(problem.GetProperty("started").GetBoolean());
        Assert.Equal(key, problem.GetProperty("idempotencyKey").GetString());
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal((0, 0), await factory.CountStoredAsync("carts", id));
    }

    [Fact]
    public async Task ReadWhoseGrainCallTimesOut_Answers503Timeout_WithRetryAfter()
    {
        using var response = await _client.GetAsync(new Uri($"/v1/resources/carts/{NewId()}", UriKind.Relative));

        await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "timeout");
        Assert.NotNull(response.Headers.RetryAfter);
    }
}
