using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OrleansConsistency.Grains.Interfaces.Intents;

namespace OrleansConsistency.Grains.Intents;

/// <summary>
/// A hash of what a request asks for (operation, expected version, payload), to tell a retry of the same request
/// from a misuse of its key. The payload is re-written compactly, so whitespace does not matter; member order does.
/// </summary>
internal static class IntentFingerprint
{
    public static string Compute(Intent intent)
    {
        var payload = intent.Payload is { } element ? JsonSerializer.Serialize(element) : "null";
        var text = $"{IntentValidator.Name(intent.Operation)}\n{intent.ExpectedVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}\n{payload}";
        if (intent.BasedOnVersion is { } basedOn)
        {
            // Appended only when given, so the fingerprints of intents recorded before basedOnVersion existed still match.
            text += $"\nbased-on:{basedOn.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
