using System.Net.Http.Headers;

namespace OrleansConsistency.Grains.Tests.Webhooks;

/// <summary>One request the test receiver got, and what it answered.</summary>
/// <param name="Resource">The <c>Webhook-Resource</c> header.</param>
/// <param name="Version">The <c>Webhook-Version</c> header; -1 when missing.</param>
/// <param name="IdempotencyKey">The <c>Idempotency-Key</c> header.</param>
/// <param name="SignatureValid">True when <c>Webhook-Signature</c> verified against the body and timestamp.</param>
/// <param name="Status">What the receiver answered; 499 when the sender hung up first.</param>
/// <param name="Headers">Every request header, first value each.</param>
/// <param name="Body">The body's bytes as received.</param>
/// <param name="At">When the answer (or the hang-up) happened.</param>
internal sealed record ReceivedDelivery(
    string? Resource,
    long Version,
    string? IdempotencyKey,
    bool SignatureValid,
    int Status,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body,
    DateTimeOffset At)
{
    public bool Succeeded => Status is >= 200 and < 300;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public MediaTypeHeaderValue? ContentType => Header("Content-Type") is { } value ? MediaTypeHeaderValue.Parse(value) : null;
}
