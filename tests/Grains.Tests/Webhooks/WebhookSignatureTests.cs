using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using OrleansConsistency.Grains.Consumers.Webhooks;

namespace OrleansConsistency.Grains.Tests.Webhooks;

public sealed class WebhookSignatureTests
{
    private const string Secret = "a-secret-of-32-characters-length";
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly long Timestamp = Now.ToUnixTimeSeconds();
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"resourceId":"o-1","version":7}""");
    private static readonly TimeProvider Clock = new FakeTimeProvider(Now);

    [Fact]
    public void Compute_IsLowerCaseHexHmacSha256OfTimestampDotBody()
    {
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{Timestamp}.{Encoding.UTF8.GetString(Body)}"));

        var signature = WebhookSignature.Compute(Secret, Timestamp, Body);

        Assert.Equal("sha256=" + Convert.ToHexStringLower(expected), signature);
        Assert.Matches("^sha256=[0-9a-f]{64}$", signature);
    }

    [Fact]
    public void Verify_TheSignatureOfTheSameBodyAndTimestamp_IsValid()
    {
        Assert.True(WebhookSignature.Verify(Secret, WebhookSignature.Compute(Secret, Timestamp, Body), Timestamp, Body, Clock));
    }

    [Fact]
    public void Verify_TamperedBody_IsRejected()
    {
        var signature = WebhookSignature.Compute(Secret, Timestamp, Body);
        var tampered = Encoding.UTF8.GetBytes("""{"resourceId":"o-1","version":8}""");

        Assert.False(WebhookSignature.Verify(Secret, signature, Timestamp, tampered, Clock));
    }

    [Fact]
    public void Verify_WrongSecret_IsRejected()
    {
        var signature = WebhookSignature.Compute("another-secret-of-some-length", Timestamp, Body);

        Assert.False(WebhookSignature.Verify(Secret, signature, Timestamp, Body, Clock));
    }

    [Fact]
    public void Verify_SignatureReplayedWithAnotherTimestamp_IsRejected()
    {
        var signature = WebhookSignature.Compute(Secret, Timestamp - 600, Body);

        Assert.False(WebhookSignature.Verify(Secret, signature, Timestamp, Body, Clock));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(-86_400)]
    public void Verify_TimestampOutsideTheDefaultFiveMinutes_IsRejectedEvenWhenSigned(int offsetSeconds)
    {
        var timestamp = Timestamp + offsetSeconds;

        Assert.False(WebhookSignature.Verify(Secret, WebhookSignature.Compute(Secret, timestamp, Body), timestamp, Body, Clock));
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(-60)]
    [InlineData(300)]
    public void Verify_TimestampWithinTheTolerance_IsValid(int offsetSeconds)
    {
        var timestamp = Timestamp + offsetSeconds;

        Assert.True(WebhookSignature.Verify(Secret, WebhookSignature.Compute(Secret, timestamp, Body), timestamp, Body, Clock));
    }

    [Fact]
    public void Verify_ShorterTolerance_RejectsWhatTheDefaultAccepts()
    {
        var timestamp = Timestamp - 60;
        var signature = WebhookSignature.Compute(Secret, timestamp, Body);

        Assert.True(WebhookSignature.Verify(Secret, signature, timestamp, Body, Clock));
        Assert.False(WebhookSignature.Verify(Secret, signature, timestamp, Body, Clock, TimeSpan.FromSeconds(30)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha256=")]
    [InlineData("sha1=0123456789abcdef0123456789abcdef01234567")]
    [InlineData("sha256=zz23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("sha256=0123456789abcdef")]
    public void Verify_MalformedHeader_IsRejected(string? header)
    {
        Assert.False(WebhookSignature.Verify(Secret, header, Timestamp, Body, Clock));
    }

    [Fact]
    public void Verify_UpperCaseHex_IsAccepted()
    {
        var signature = WebhookSignature.Compute(Secret, Timestamp, Body);
        var upper = "sha256=" + signature["sha256=".Length..].ToUpperInvariant();

        Assert.True(WebhookSignature.Verify(Secret, upper, Timestamp, Body, Clock));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Verify_TwoSignaturesAsDuringARotation_IsValidWhicheverMatches(int position)
    {
        var mine = WebhookSignature.Compute(Secret, Timestamp, Body);
        var theirs = WebhookSignature.Compute("the-other-secret-in-the-rotation", Timestamp, Body);
        var header = position == 0 ? $"{mine}, {theirs}" : $"{theirs}, {mine}";

        Assert.True(WebhookSignature.Verify(Secret, header, Timestamp, Body, Clock));
    }

    [Fact]
    public void Verify_SeveralSignaturesWithoutSpacesOrWithExtraWhitespace_IsValid()
    {
        var mine = WebhookSignature.Compute(Secret, Timestamp, Body);
        var other = Other(1);

        Assert.True(WebhookSignature.Verify(Secret, $"{other},{mine}", Timestamp, Body, Clock));
        Assert.True(WebhookSignature.Verify(Secret, $"  {other} ,\t{mine}  ", Timestamp, Body, Clock));
    }

    [Fact]
    public void Verify_SeveralSignaturesNoneMatching_IsRejected()
    {
        Assert.False(WebhookSignature.Verify(Secret, $"{Other(1)}, {Other(2)}", Timestamp, Body, Clock));
    }

    [Fact]
    public void Verify_FourSignaturesTheLastMatching_IsValid()
    {
        var header = string.Join(", ", Other(1), Other(2), Other(3), WebhookSignature.Compute(Secret, Timestamp, Body));

        Assert.True(WebhookSignature.Verify(Secret, header, Timestamp, Body, Clock));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void Verify_MoreThanFourSignatures_IsRejectedEvenWithAMatch(int position)
    {
        var signatures = new List<string> { Other(1), Other(2), Other(3), Other(4) };
        signatures.Insert(position, WebhookSignature.Compute(Secret, Timestamp, Body));

        Assert.False(WebhookSignature.Verify(Secret, string.Join(", ", signatures), Timestamp, Body, Clock));
    }

    [Theory]
    [InlineData("{0}, ")]
    [InlineData("{0},")]
    [InlineData(", {0}")]
    [InlineData("{0},, {0}")]
    [InlineData("{0}, sha1=0123456789abcdef0123456789abcdef01234567")]
    [InlineData("{0}, sha256=0123456789abcdef")]
    [InlineData("{0}, sha256=zz23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("{0}; {0}")]
    [InlineData("{0} {0}")]
    public void Verify_SeveralSignaturesWithAnyMalformed_IsRejectedEvenWithAMatch(string template)
    {
        var header = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, WebhookSignature.Compute(Secret, Timestamp, Body));

        Assert.False(WebhookSignature.Verify(Secret, header, Timestamp, Body, Clock));
    }

    // A well-formed signature under some other secret.
    private static string Other(int n) => WebhookSignature.Compute($"some-other-secret-number-{n}", Timestamp, Body);
}
