using OrleansConsistency.Storage;

namespace OrleansConsistency.Storage.Tests.Storage;

public sealed class KeyPrefixTests
{
    [Theory]
    [InlineData("orders/", "orders0")]
    [InlineData("a_", "a`")]
    [InlineData("a\uD7FF", "a\uE000")]
    [InlineData("a\uFFFF", "a\U00010000")]
    [InlineData("a\U0001F600", "a\U0001F601")]
    [InlineData("a\U0010FFFF", "b")]
    [InlineData("ab\U0010FFFF\U0010FFFF", "ac")]
    public void UpperBound_IncrementsTheLastCodePointThatCanBe(string prefix, string expected) =>
        Assert.Equal(expected, KeyPrefix.UpperBound(prefix));

    [Theory]
    [InlineData("")]
    [InlineData("\U0010FFFF")]
    [InlineData("\U0010FFFF\U0010FFFF")]
    public void UpperBound_NothingAfterThePrefix_ReturnsNull(string prefix) =>
        Assert.Null(KeyPrefix.UpperBound(prefix));

    [Fact]
    public void UpperBound_LoneSurrogate_Throws() =>
        Assert.Throws<ArgumentException>(() => KeyPrefix.UpperBound("a\uD800b"));
}
