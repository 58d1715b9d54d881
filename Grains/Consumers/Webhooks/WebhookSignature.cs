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
/// While a secret is being rotated the header carries one signature per secret, separated by <c>", "</c>, and a
/// receiver accepts the delivery when any of them matches its secret.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The prefix of the signature header's value, naming the algorithm.</summary>
    public const string Scheme = "sha256=";

    /// <summary>How far a delivery's timestamp may be from the receiver's clock, either way, by default.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>What separates the signatures in a header that carries several (during a secret rotation).</summary>
    public const string Separator = ", ";

    /// <summary>The most signatures a header may carry; a header with more is refused, so a forged one cannot make a receiver hash without end.</summary>
    public const int MaxSignatures = 4;

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
    /// matches the body and timestamp under the secret. The header may carry up to <see cref="MaxSignatures"/>
    /// comma-separated signatures (a sender rotating its secret sends two); one match is enough, and a header with more,
    /// or with any element malformed, is refused. Each comparison takes the same time whichever byte differs, so the
    /// answer's timing tells an attacker nothing about the right signature.
    /// </summary>
    /// <param name="secret">The shared secret.</param>
    /// <param name="signatureHeader">The <c>Webhook-Signature</c> header's value: <c>sha256={hex}</c>, or several separated by commas.</param>
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

        var value = signatureHeader.AsSpan();
        Span<byte> received = stackalloc byte[HashSize * MaxSignatures];
        var count = 0;
        foreach (var range in value.Split(','))
        {
            if (count == MaxSignatures || !TryParse(value[range], received.Slice(count * HashSize, HashSize)))
            {
                return false;
            }

            count++;
        }

        Span<byte> expected = stackalloc byte[HashSize];
        Hash(secret, timestamp, body, expected);

        // Every signature is compared, with no early exit, so the timing does not even say which one matched.
        var matched = false;
        for (var i = 0; i < count; i++)
        {
            matched |= CryptographicOperations.FixedTimeEquals(expected, received.Slice(i * HashSize, HashSize));
        }

        return matched;
    }

    // One element of the header: "sha256=" and 64 hex digits, with optional whitespace around it.
    private static bool TryParse(ReadOnlySpan<char> element, Span<byte> destination)
    {
        var value = element.Trim();
        if (!value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var hex = value[Scheme.Length..];
        return hex.Length == HashSize * 2
            && Convert.FromHexString(hex, destination, out _, out var written) == OperationStatus.Done
            && written == HashSize;
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
