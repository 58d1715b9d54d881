using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansConsistency.Grains.Consumers;
using OrleansConsistency.Grains.Resources;

namespace OrleansConsistency.Grains.Tests.Resources;

public sealed class ResourcesOptionsTests
{
    [Fact]
    public void Defaults_AreValid()
    {
        Assert.Empty(ResourcesOptionsValidator.GetErrors(new ResourcesOptions()));
    }

    [Theory]
    [InlineData("Resources:IntentRetention", "00:00:00", "Resources:IntentRetention must be positive (was 00:00:00).")]
    [InlineData("Resources:IntentRetention", "-01:00:00", "Resources:IntentRetention must be positive (was -01:00:00).")]
    [InlineData("Resources:PurgeInterval", "00:00:00", "Resources:PurgeInterval must be positive (was 00:00:00).")]
    [InlineData("Resources:MaxClockSkew", "-00:00:01", "Resources:MaxClockSkew must not be negative (was -00:00:01).")]
    [InlineData("Resources:RecentIntentsPerResource", "-1", "Resources:RecentIntentsPerResource must not be negative (was -1).")]
    [InlineData("Resources:SupersessionNotesPerResource", "-1", "Resources:SupersessionNotesPerResource must not be negative (was -1).")]
    [InlineData("Resources:MaxParkedConflictsPerResource", "-1", "Resources:MaxParkedConflictsPerResource must not be negative (was -1).")]
    [InlineData("Resources:Defaults:StalenessBound", "00:00:00", "Resources:Defaults:StalenessBound must be positive (was 00:00:00).")]
    [InlineData("Resources:Types:carts:StalenessBound", "-00:00:05", "Resources:Types:carts:StalenessBound must be positive (was -00:00:05).")]
    [InlineData("Resources:Types:carts:ConflictPolicy", "newest", "Resources:Types:carts:ConflictPolicy 'newest' is unknown; use one of")]
    public void InvalidSetting_RefusesTheOptionsNamingIt(string key, string value, string expected)
    {
        using var services = Services(key, value);

        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ResourcesOptions>>().Value);

        Assert.StartsWith(expected, Assert.Single(exception.Failures), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Resources:RecentIntentsPerResource", "0")]
    [InlineData("Resources:MaxClockSkew", "00:00:00")]
    [InlineData("Resources:Types:carts:ConflictPolicy", "manual")]
    public void BoundaryValue_IsAccepted(string key, string value)
    {
        using var services = Services(key, value);

        Assert.NotNull(services.GetRequiredService<IOptions<ResourcesOptions>>().Value);
    }

    [Fact]
    public void RegisteredTwice_ReportsEachProblemOnce()
    {
        var configuration = Configuration("Resources:PurgeInterval", "00:00:00");
        using var services = new ServiceCollection().AddResourceGrains(configuration).AddResourceGrains(configuration).BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ResourcesOptions>>().Value);

        Assert.Single(exception.Failures);
    }

    [Fact]
    public void ZeroConsumerSweepInterval_RefusesTheConsumerOptionsNamingIt()
    {
        using var services = Services("Resources:ConsumerSweepInterval", "00:00:00");

        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ConsumersOptions>>().Value);

        Assert.Equal("Resources:ConsumerSweepInterval must be positive.", Assert.Single(exception.Failures));
    }

    private static ServiceProvider Services(string key, string value) =>
        new ServiceCollection().AddResourceGrains(Configuration(key, value)).BuildServiceProvider();

    private static IConfiguration Configuration(string key, string value) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
}
