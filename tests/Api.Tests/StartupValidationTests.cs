using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace OrleansConsistency.Api.Tests;

/// <summary>A setting that would quietly break a promise stops the API at start-up, naming it, before any request.</summary>
public sealed class StartupValidationTests
{
    [Fact]
    public void NegativeIntentRetention_StopsTheApiAtStartNamingTheSetting()
    {
        using var factory = new MisconfiguredApiFactory("Resources:IntentRetention", "-01:00:00");

        var exception = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        var validation = Assert.IsType<OptionsValidationException>(Unwrap(exception));
        Assert.Equal("Resources:IntentRetention must be positive (was -01:00:00).", Assert.Single(validation.Failures));
    }

    private static Exception Unwrap(Exception exception) =>
        exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? Unwrap(aggregate.InnerExceptions[0]) : exception;

    private sealed class MisconfiguredApiFactory(string key, string value) : ApiFactory
    {
        protected override void Configure(IWebHostBuilder builder) => builder.UseSetting(key, value);
    }
}
