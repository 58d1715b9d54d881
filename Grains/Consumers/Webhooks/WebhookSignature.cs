using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OrleansConsistency.Grains.Consumers.Webhooks;

/// <summary>
/// The signature on webhook deliveries: <c>sha256=</c> followed by the lower-case hex HMAC-SHA256, keyed with the
/// UTF-8 bytes of the secret, over the UTF-8 bytes of <c>{timestamp}.</c> followed by the exact body bytes. The
/// timestamp (Unix seconds, sent as <c>Webhook-Timestamp</c>) is inside the signed bytes so that a captured delivery
/// replayed later with a fresh timestamp no longer verifies, and an old one is refused by the tolerance.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The prefix of the signature header's value, naming the algorithm.</summary>
    public const string Scheme = "sha256=";

    /// <summary>How far a delivery's timestamp may be from the receiver's clock, either way, by default.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    private const int HashSize = 32;

    /// <summary>The value of the <c>Webhook-Signature</c> header for a body sent at a timestamp.</summary>
    /// <param name="secret">The shared secret (its UTF-8 bytes are the HMAC key).</param>
    /// <param name="timestamp">The Unix time in seconds sent as <c>Webhook-Timestamp</c>.</param>
    /// <param name="body">The exact bytes of the request body.</param>
    /// <returns><c>sha256={lower-case hex}</c>.</returns>
    public static string Compute(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[HashSize];
        Hash(secret, timestamp, body, hash);
        return Scheme + Convert.ToHexStringLower(hash);
    }

    /// <summary>Checks a delivery with the default tolerance of five minutes.</summary>
    /// <inheritdoc cref="Verify(string, string?, long, ReadOnlySpan{byte}, TimeProvider, TimeSpan)" />
    public static bool Verify(string secret, string? signatureHeader, long timestamp, ReadOnlySpan<byte> body, TimeProvider timeProvider) =>
        Verify(secret, signatureHeader, timestamp, body, timeProvider, DefaultTolerance);

    /// <summary>
    /// Checks a delivery: true only when its timestamp is within <paramref name="tolerance"/> of now and the signature
    /// matches the body and timestamp under the secret. The comparison takes the same time whichever byte differs, so
    /// the answer's timing tells an attacker nothing about the right signature.
    /// </summary>
    /// <param name="secret">The shared secret.</param>
    /// <param name="signatureHeader">The <c>Webhook-Signature</c> header's value, <c>sha256={hex}</c>.</param>
    /// <param name="timestamp">The <c>Webhook-Timestamp</c> header's value (Unix seconds).</param>
    /// <param name="body">The exact bytes of the request body, as received (before any JSON parsing).</param>
    /// <param name="timeProvider">The receiver's clock.</param>
    /// <param name="tolerance">How far the timestamp may be from now, either way.</param>
    /// <returns>True when the delivery is authentic and fresh.</returns>
    public static bool Verify(string secret, string? signatureHeader, long timestamp, ReadOnlySpan<byte> body, TimeProvider timeProvider, TimeSpan tolerance)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(tolerance, TimeSpan.Zero);
        var now = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var slack = (long)tolerance.TotalSeconds;
        if (timestamp < now - slack || timestamp > now + slack)
        {
            return false;
        }

        var value = signatureHeader.AsSpan().Trim();
        if (!value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var hex = value[Scheme.Length..];
        Span<byte> received = stackalloc byte[HashSize];
        if (hex.Length != HashSize * 2
            || Convert.FromHexString(hex, received, out _, out var written) != OperationStatus.Done
            || written != HashSize)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[HashSize];
        Hash(secret, timestamp, body, expected);
        return CryptographicOperations.FixedTimeEquals(expected, received);
    }

    private static void Hash(string secret, long timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "."));
        hmac.AppendData(body);
        hmac.GetHashAndReset(destination);
    }
}
