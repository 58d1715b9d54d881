using Microsoft.AspNetCore.Hosting;

namespace OrleansConsistency.Api.Tests.Saga;

/// <summary>
/// The API with the shipped checkout configuration, pointed at the loopback payment and messaging services, with
/// short pipeline timings so that failures are noticed (and breakers close again) within a test's time.
/// </summary>
internal sealed class SagaApiFactory(Uri payment, Uri messaging) : ApiFactory
{
    public static IReadOnlyDictionary<string, string> Settings(Uri payment, Uri messaging) => new Dictionary<string, string>
    {
        ["Api:FaultInjection"] = "true",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Dependencies:payment:BaseUrl"] = payment.ToString(),
        ["Dependencies:payment:AttemptTimeout"] = "00:00:01",
        ["Dependencies:payment:RetryDelay"] = "00:00:00.050",
        ["Dependencies:payment:MaxRetryDelay"] = "00:00:00.500",
        ["Dependencies:payment:BreakerMinimumThroughput"] = "6",
        ["Dependencies:payment:BreakerSamplingDuration"] = "00:00:02",
        ["Dependencies:payment:BreakerDuration"] = "00:00:01",
        ["Dependencies:messaging:BaseUrl"] = messaging.ToString(),
        ["Dependencies:messaging:AttemptTimeout"] = "00:00:01",
        ["Consumers:checkout:RetryDelay"] = "00:00:00.100",
        ["Consumers:checkout:MaxRetryDelay"] = "00:00:01",
    };

    protected override void Configure(IWebHostBuilder builder)
    {
        foreach (var (key, value) in Settings(payment, messaging))
        {
            builder.UseSetting(key, value);
        }
    }
}
