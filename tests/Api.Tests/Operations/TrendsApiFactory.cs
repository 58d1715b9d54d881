using Microsoft.AspNetCore.Hosting;

namespace OrleansConsistency.Api.Tests.Operations;

/// <summary>The API with its trends sampled every 200 ms, so a test sees points at once.</summary>
public sealed class TrendsApiFactory : ApiFactory
{
    protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("Api:TrendInterval", "00:00:00.200");
}
