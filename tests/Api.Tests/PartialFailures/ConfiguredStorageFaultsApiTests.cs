using System.Net;
using Microsoft.AspNetCore.Hosting;
using static OrleansConsistency.Api.Tests.ApiClient;

namespace OrleansConsistency.Api.Tests.PartialFailures;

/// <summary>A silo started with storage faults in its configuration (<c>Silo:Storage:Faults</c>).</summary>
public sealed class ConfiguredStorageFaultsApiFactory : PartialFailureApiFactory
{
    protected override void ConfigureLimits(IWebHostBuilder builder)
    {
        builder.UseSetting("Silo:Storage:Faults:FailNextWrites", "1");
        builder.UseSetting("Silo:Storage:Faults:WriteLatency", "00:00:00.020");
    }
}

public sealed class ConfiguredStorageFaultsApiTests(ConfiguredStorageFaultsApiFactory factory)
    : PartialFailureTestBase<ConfiguredStorageFaultsApiFactory>(factory)
{
    [Fact]
    public async Task FaultsFromConfiguration_AreInForceFromStartUp()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(20), Factory.Faults.WriteLatency);

        // The configured failure takes the first write: refused, nothing stored; the retry with the same key applies.
        var id = NewId();
        var key = NewId();
        using (var failed = await Client.PostIntentAsync("carts", id, key, """{"op":"set","payload":{"n":1}}"""))
        {
            await AssertProblemAsync(failed, HttpStatusCode.ServiceUnavailable, "storage-unavailable");
        }

        Assert.Equal(0, Factory.Faults.PendingWriteFailures);
        using var applied = await Client.PostIntentAsync("carts", id, key, """{"op":"set","payload":{"n":1}}""");
        Assert.Equal(HttpStatusCode.Accepted, applied.StatusCode);
        Assert.Equal(1, await Client.GetVersionAsync("carts", id));
    }
}
