using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Xunit.Abstractions;
using static OrleansConsistency.Api.Tests.ApiClient;

namespace OrleansConsistency.Api.Tests.Security;

/// <summary>
/// Each tenant and each key has its own rate: one sending ten times its limit is refused with 429 and Retry-After,
/// and another tenant, or another key of the same tenant, goes on as if nothing happened.
/// </summary>
public sealed class RateLimitTests(RateLimitTests.Factory factory, ITestOutputHelper output) : IClassFixture<RateLimitTests.Factory>
{
    private const int TenantLimit = 20;

    [Fact]
    public async Task ANoisyTenantAtTenTimesItsLimit_IsRefused_WhileAQuietTenantsRequestsAllSucceed()
    {
        using var operatorClient = factory.CreateClient();
        using var noisy = await IssuedKeys.NewClientAsync(factory, operatorClient, "noisy", "writer");
        using var quiet = await IssuedKeys.NewClientAsync(factory, operatorClient, "quiet", "writer");
        var id = NewId();

        // Two seconds of the noisy tenant at ten times its rate, while the quiet one writes at half of its own.
        var window = TimeSpan.FromSeconds(2);
        var flood = FloodAsync(noisy, id, TenantLimit * 10, window);
        var quietLatencies = new List<TimeSpan>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < window)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await quiet.PostIntentAsync("orders", id, NewId(), """{"op":"increment","payload":{"n":1}}""");
            quietLatencies.Add(Stopwatch.GetElapsedTime(started));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            await Task.Delay(1000 / (TenantLimit / 2));
        }

        var (accepted, refused) = await flood;
        output.WriteLine($"noisy: {accepted} accepted, {refused} refused; quiet: {quietLatencies.Count} accepted, max {quietLatencies.Max().TotalMilliseconds:F0} ms");

        // The noisy tenant got about its burst plus its rate, no more; the quiet one every request it sent.
        Assert.InRange(accepted, TenantLimit, TenantLimit + (TenantLimit * 3) + 5);
        Assert.True(refused > accepted, $"{refused} refused against {accepted} accepted");
        Assert.Equal(quietLatencies.Count, await quiet.GetVersionAsync("orders", id));
    }

    [Fact]
    public async Task ARefusal_IsA429ProblemWithRetryAfter_AndChangesNothing()
    {
        using var operatorClient = factory.CreateClient();
        using var noisy = await IssuedKeys.NewClientAsync(factory, operatorClient, "noisier", "writer");
        await FloodAsync(noisy, NewId(), TenantLimit * 10, TimeSpan.FromMilliseconds(500));

        // Back to back until one is refused (the bucket refills as time passes), each on a resource of its own.
        HttpResponseMessage refused;
        string id;
        var tries = 0;
        while ((refused = await noisy.PostIntentAsync("orders", id = NewId(), NewId(), """{"op":"set","payload":{"n":1}}""")).StatusCode != (HttpStatusCode)429
            && ++tries < TenantLimit * 5)
        {
            refused.Dispose();
        }

        using (refused)
        {
            var problem = await AssertProblemAsync(refused, (HttpStatusCode)429, "rate-limited");
            Assert.Contains($"its {TenantLimit} requests per second", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        }

        Assert.Equal((0, 0), await factory.CountStoredAsync("orders", id, "noisier"));
    }

    [Fact]
    public async Task ARunawayKey_IsRefusedAlone_WhileAnotherKeyOfTheSameTenantGoesOn()
    {
        using var operatorClient = factory.CreateClient();
        var (_, runawayKey) = await IssuedKeys.CreateAsync(operatorClient, "wide", "writer");
        var (_, calmKey) = await IssuedKeys.CreateAsync(operatorClient, "wide", "writer");
        using var runaway = IssuedKeys.ClientWith(factory, runawayKey);
        using var calm = IssuedKeys.ClientWith(factory, calmKey);

        var (_, refused) = await FloodAsync(runaway, NewId(), Factory.KeyLimit * 10, TimeSpan.FromSeconds(1));
        Assert.True(refused > 0);
        // The bucket refills as time passes (four a tenth of a second): requests back to back empty it again.
        HttpResponseMessage limited;
        var tries = 0;
        while ((limited = await runaway.GetAsync("/v1/resources/orders")).StatusCode != (HttpStatusCode)429 && ++tries < Factory.KeyLimit * 5)
        {
            limited.Dispose();
        }

        using (limited)
        {
            var problem = await AssertProblemAsync(limited, (HttpStatusCode)429, "rate-limited");
            Assert.Contains("This key has made more than", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using var fine = await calm.GetAsync("/v1/resources/orders");
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    /// <summary>Sends <paramref name="perSecond"/> intents a second for <paramref name="window"/>, without waiting for answers in between.</summary>
    private static async Task<(int Accepted, int Refused)> FloodAsync(HttpClient client, string id, int perSecond, TimeSpan window)
    {
        var sends = new List<Task<HttpStatusCode>>();
        var clock = Stopwatch.StartNew();
        var interval = TimeSpan.FromSeconds(1.0 / perSecond);
        while (clock.Elapsed < window)
        {
            sends.Add(SendAsync(client, id));
            var next = interval * sends.Count;
            if (next > clock.Elapsed)
            {
                await Task.Delay(next - clock.Elapsed);
            }
        }

        var codes = await Task.WhenAll(sends);
        return (codes.Count(c => c == HttpStatusCode.Accepted), codes.Count(c => c == (HttpStatusCode)429));
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, string id)
    {
        using var response = await client.PostIntentAsync("orders", id, NewId(), """{"op":"increment","payload":{"n":1}}""");
        return response.StatusCode;
    }

    /// <summary>The API with small limits for the tenants these tests make noisy, and for every key.</summary>
    public sealed class Factory : ApiFactory
    {
        public const int KeyLimit = 40;

        protected override void Configure(IWebHostBuilder builder)
        {
            foreach (var tenant in new[] { "noisy", "quiet", "noisier" })
            {
                builder.UseSetting($"Api:Limits:Tenants:{tenant}:RequestsPerSecond", TenantLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
                builder.UseSetting($"Api:Limits:Tenants:{tenant}:Burst", TenantLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            builder.UseSetting("Api:Limits:KeyRequestsPerSecond", KeyLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Api:Limits:KeyBurst", KeyLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
