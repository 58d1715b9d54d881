using System.Net;
using Microsoft.AspNetCore.Hosting;
using OrleansConsistency.Api.Tests.Durability;
using static OrleansConsistency.Api.Tests.ApiClient;

namespace OrleansConsistency.Api.Tests.Security;

/// <summary>
/// <c>Api:Auth:Mode=Off</c>, for tests and local demos: callers on loopback need no credentials, and an API that
/// listens beyond loopback refuses to start that way.
/// </summary>
public sealed class OpenAccessTests(OpenAccessTests.Factory factory) : IClassFixture<OpenAccessTests.Factory>
{
    [Fact]
    public async Task WithAuthOff_ACallerWithoutCredentials_WritesAndReads()
    {
        using var anonymous = factory.CreateAnonymousClient();
        var id = NewId();
        using (var write = await anonymous.PostIntentAsync("orders", id, NewId(), """{"op":"set","payload":{"n":1}}"""))
        {
            Assert.Equal(HttpStatusCode.Accepted, write.StatusCode);
        }

        Assert.Equal(1, await anonymous.GetVersionAsync("orders", id));
    }

    [Fact]
    public async Task WithAuthOff_AnApiListeningBeyondLoopback_RefusesToStart()
    {
        var directory = Directory.CreateTempSubdirectory("orleansconsistency-open-").FullName;
        try
        {
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ApiProcess.StartAsync(
                "sqlite",
                $"Data Source={Path.Combine(directory, "open.db")}",
                directory,
                TimeSpan.FromSeconds(60),
                new Dictionary<string, string>
                {
                    ["Api:Auth:Mode"] = "Off",

                    // Kestrel's own endpoints take the place of --urls: every address, not loopback.
                    ["Kestrel:Endpoints:Everywhere:Url"] = "http://0.0.0.0:0",
                }));
            Assert.Contains("Api:Auth:Mode=Off is refused", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The API with authentication off.</summary>
    public sealed class Factory : ApiFactory
    {
        protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("Api:Auth:Mode", "Off");
    }
}
