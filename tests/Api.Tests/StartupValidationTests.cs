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

    [Fact]
    public void EveryBadApiSetting_IsReportedAtOnce_WithItsPathAndValue()
    {
        using var factory = new MisconfiguredApiFactory(new Dictionary<string, string>
        {
            ["Api:MaxBodyBytes"] = "0",
            ["Api:LoadShedding:QueueLimit"] = "-1",
            ["Api:Limits:Tenants:acme:Burst"] = "0",
            ["Api:Auth:RefreshInterval"] = "00:00:00.010",
        });

        var exception = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        var validation = Assert.IsType<OptionsValidationException>(Unwrap(exception));
        Assert.Equal(
            [
                "Api:MaxBodyBytes must be positive (was 0).",
                "Api:LoadShedding:QueueLimit must not be negative (was -1).",
                "Api:Limits:Tenants:acme:Burst must be positive when set (was 0).",
                "Api:Auth:RefreshInterval must be at least 50 ms (was 00:00:00.0100000).",
            ],
            validation.Failures);
    }

    private static Exception Unwrap(Exception exception) =>
        exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? Unwrap(aggregate.InnerExceptions[0]) : exception;

    private sealed class MisconfiguredApiFactory(IReadOnlyDictionary<string, string> settings) : ApiFactory
    {
        public MisconfiguredApiFactory(string key, string value)
            : this(new Dictionary<string, string> { [key] = value })
        {
        }

        protected override void Configure(IWebHostBuilder builder)
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
