using System.Security.Cryptography;
using System.Text;

namespace OrleansConsistency.Api.Access;

/// <summary>
/// API keys as text: <c>oc_</c> and 43 characters of base64url (256 random bits), and the SHA-256 the registry keeps.
/// A fast hash is enough here: unlike a password, a generated key cannot be guessed from a dictionary.
/// </summary>
internal static class ApiKeySecret
{
    public const string Prefix = "oc_";

    /// <summary>A new random key.</summary>
    public static string Create() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>A new key id: public, safe to log and show.</summary>
    public static string CreateId() => "key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>The lower-case hex SHA-256 of a key.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
