using OrleansConsistency.Silo.Hosting;

namespace OrleansConsistency.Storage.Tests.Cluster;

/// <summary>What <c>Silo:Cluster</c> accepts: a cluster needs PostgreSQL and an IP address, a cluster client needs a cluster.</summary>
public sealed class SiloClusterOptionsTests
{
    [Theory]
    [InlineData(false, false, "sqlite-or-anything", false)]
    [InlineData(false, false, "127.0.0.1", true)]
    [InlineData(true, false, "127.0.0.1", true)]
    [InlineData(true, true, "10.1.2.3", true)]
    [InlineData(true, false, "::1", true)]
    public void Valid_settings_are_accepted(bool enabled, bool clientOnly, string endpointHost, bool storageIsPostgres)
    {
        var options = new SiloClusterOptions { Enabled = enabled, ClientOnly = clientOnly, EndpointHost = endpointHost };

        options.Validate(storageIsPostgres);
    }

    [Theory]
    [InlineData(false, true, "127.0.0.1", true, "Silo:Cluster:ClientOnly")]
    [InlineData(true, false, "127.0.0.1", false, "Silo:Cluster:Enabled")]
    [InlineData(true, true, "127.0.0.1", false, "Silo:Cluster:Enabled")]
    [InlineData(true, false, "silo-1.example", true, "Silo:Cluster:EndpointHost")]
    [InlineData(true, false, "", true, "Silo:Cluster:EndpointHost")]
    public void Invalid_settings_are_refused_naming_the_setting(bool enabled, bool clientOnly, string endpointHost, bool storageIsPostgres, string setting)
    {
        var options = new SiloClusterOptions { Enabled = enabled, ClientOnly = clientOnly, EndpointHost = endpointHost };

        var refused = Assert.Throws<ArgumentException>(() => options.Validate(storageIsPostgres));

        Assert.StartsWith(setting, refused.Message, StringComparison.Ordinal);
    }
}
