using OrleansConsistency.Grains.Consumers;

namespace OrleansConsistency.Grains.Tests.Consumers;

public sealed class ConsumerOptionsTests
{
    [Fact]
    public void Defaults_AreValid() => new ConsumerOptions().Validate("read-model");

    [Fact]
    public void BreakerDurationBelowHalfASecond_IsRefused_NamingTheSetting()
    {
        var exception = Assert.Throws<ArgumentException>(() => new ConsumerOptions { BreakerDuration = TimeSpan.FromMilliseconds(100) }.Validate("hooks"));

        Assert.Contains("Consumers:hooks:BreakerDuration must be at least 0.5 s", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SeveralBadSettings_AreAllNamed()
    {
        var exception = Assert.Throws<ArgumentException>(() => new ConsumerOptions { Concurrency = 0, BreakerFailureRatio = 2, MaxAttempts = -1 }.Validate("x"));

        Assert.Contains("Consumers:x:Concurrency", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Consumers:x:BreakerFailureRatio", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Consumers:x:MaxAttempts", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("read-model", null, "search and lists")]
    [InlineData("webhook", null, "connected apps")]
    [InlineData("in-process", null, "order history")]
    [InlineData("webhook", "confirmation email", "confirmation email")]
    public void DisplayName_IsTheConfiguredOne_ElseByKind_ElseTheNameInWords(string kind, string? configured, string shown) =>
        Assert.Equal(shown, new ConsumerOptions { Kind = kind, DisplayName = configured }.DisplayNameFor("order-history"));
}
