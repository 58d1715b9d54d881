using System.Net;
using Microsoft.AspNetCore.Hosting;
using static OrleansConsistency.Api.Tests.ApiClient;

namespace OrleansConsistency.Api.Tests.Cluster;

/// <summary>With <c>Silo:Dashboard:Enabled=false</c> nothing of the dashboard is there; the silos are still listed.</summary>
public sealed class DashboardOffTests(DashboardOffTests.Factory factory) : IClassFixture<DashboardOffTests.Factory>
{
    [Fact]
    public async Task DashboardOff_DashboardIsNotFound_AndTheSummarySaysSo()
    {
        using var client = factory.CreateClient();

        using var dashboard = await client.GetAsync(new Uri("/dashboard/", UriKind.Relative));
        using var summary = await client.GetAsync(new Uri("/ops/summary", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, dashboard.StatusCode);
        using var body = await ReadJsonAsync(summary);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.RootElement.GetProperty("dashboard").ValueKind);
        Assert.Equal(1, body.RootElement.GetProperty("silos").GetProperty("active").GetInt32());
    }

    /// <summary>The default API with the dashboard switched off.</summary>
    public sealed class Factory : ApiFactory
    {
        protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("Silo:Dashboard:Enabled", "false");
    }
}
