using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansConsistency.Silo.Hosting;

namespace OrleansConsistency.Storage.Tests.Cluster;

/// <summary>
/// <c>Silo:Cluster:Membership</c>: Orleans' failure detection settings reach Orleans, a bad value or a misspelt key
/// stops the silo at start-up naming it, and combinations that could never declare a dead silo dead are refused.
/// </summary>
public sealed class ClusterMembershipSettingsTests
{
    private static readonly Dictionary<string, string?> Cluster = new()
    {
        ["Silo:Storage:Provider"] = "postgresql",
        ["Silo:Storage:ConnectionString"] = "Host=127.0.0.1;Port=1;Username=postgres",
        ["Silo:Cluster:Enabled"] = "true",
    };

    [Fact]
    public void Settings_reach_Orleans_and_unset_ones_keep_Orleans_defaults()
    {
        var orleans = MembershipOptionsOf(new()
        {
            ["Silo:Cluster:Membership:ProbeTimeout"] = "00:00:01",
            ["Silo:Cluster:Membership:NumMissedProbesLimit"] = "2",
            ["Silo:Cluster:Membership:NumVotesForDeathDeclaration"] = "1",
        });

        var defaults = new ClusterMembershipOptions();
        Assert.Equal(TimeSpan.FromSeconds(1), orleans.ProbeTimeout);
        Assert.Equal(2, orleans.NumMissedProbesLimit);
        Assert.Equal(1, orleans.NumVotesForDeathDeclaration);
        Assert.Equal(defaults.TableRefreshTimeout, orleans.TableRefreshTimeout);
        Assert.Equal(defaults.NumProbedSilos, orleans.NumProbedSilos);
    }

    [Theory]
    [InlineData("ProbeTimeout", "00:00:00", "Silo:Cluster:Membership:ProbeTimeout must be positive")]
    [InlineData("NumMissedProbesLimit", "0", "Silo:Cluster:Membership:NumMissedProbesLimit must be at least 1")]
    [InlineData("NumVotesForDeathDeclaration", "0", "Silo:Cluster:Membership:NumVotesForDeathDeclaration must be at least 1")]
    [InlineData("NumVotesForDeathDeclaration", "11", "Silo:Cluster:Membership:NumVotesForDeathDeclaration (11) must not exceed NumProbedSilos (10)")]
    [InlineData("DeathVoteExpirationTimeout", "00:00:10", "Silo:Cluster:Membership:DeathVoteExpirationTimeout (00:00:10) must be longer than ProbeTimeout × NumMissedProbesLimit")]
    [InlineData("TableRefreshTimeout", "-00:00:01", "Silo:Cluster:Membership:TableRefreshTimeout must be positive")]
    [InlineData("ProbeTimout", "00:00:01", "Silo:Cluster:Membership:ProbeTimout is not a membership setting")]
    public void A_bad_setting_stops_the_silo_at_start_naming_it(string key, string value, string message)
    {
        var refused = Assert.Throws<ArgumentException>(() => MembershipOptionsOf(new() { [$"Silo:Cluster:Membership:{key}"] = value }));

        Assert.StartsWith(message, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_that_is_not_a_time_names_the_setting()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => MembershipOptionsOf(new() { ["Silo:Cluster:Membership:ProbeTimeout"] = "soon" }));

        Assert.Contains("Silo:Cluster:Membership:ProbeTimeout", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>What Orleans' membership would run with, from the silo's own start-up path (<c>AddSilo</c>).</summary>
    private static ClusterMembershipOptions MembershipOptionsOf(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(Cluster.Concat(settings));
        builder.AddSilo();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
    }
}
