using System.Text.Json;

namespace OrleansConsistency.Grains.Interfaces.Intents;

/// <summary>Checks an intent's shape before anything is applied, the same way in the API and in the grain.</summary>
public static class IntentValidator
{
    /// <summary>The longest idempotency key accepted.</summary>
    public const int MaxKeyLength = 255;

    /// <summary>The longest correlation id accepted.</summary>
    public const int MaxCorrelationIdLength = 128;

    /// <summary>The longest client session id accepted.</summary>
    public const int MaxSessionLength = 64;

    /// <summary>Returns why the session id is not acceptable, or null when it is (or when there is none).</summary>
    public static string? CheckSession(string? session) =>
        session is null ? null
        : session.Length is 0 or > MaxSessionLength || !IsPrintableAscii(session)
            ? $"The session id must be 1–{MaxSessionLength} printable ASCII characters (0x21–0x7E), such as a random id made once per browser tab."
            : null;

    /// <summary>Returns why the idempotency key is not acceptable, or null when it is.</summary>
    public static string? CheckIdempotencyKey(string? key) =>
        string.IsNullOrEmpty(key) ? "The Idempotency-Key is missing."
        : key.Length > MaxKeyLength ? $"The Idempotency-Key has {key.Length} characters; at most {MaxKeyLength} are allowed."
        : !IsPrintableAscii(key) ? "The Idempotency-Key must be printable ASCII (no spaces or control characters outside 0x21–0x7E)."
        : null;

    /// <summary>True when every character is printable ASCII (0x21–0x7E).</summary>
    public static bool IsPrintableAscii(string value) => value.All(c => c is >= '!' and <= '~');

    /// <summary>Throws <see cref="InvalidIntentException"/> when the intent is malformed.</summary>
    /// <exception cref="InvalidIntentException">The key, payload or expected version is not acceptable.</exception>
    public static void Validate(Intent intent)
    {
        ArgumentNullException.ThrowIfNull(intent);
        if (CheckIdempotencyKey(intent.IdempotencyKey) is { } keyProblem)
        {
            throw new InvalidIntentException(keyProblem);
        }

        if (intent.ExpectedVersion is < 0)
        {
            throw new InvalidIntentException($"expectedVersion must be 0 or more; it is {intent.ExpectedVersion}.");
        }

        if (intent.BasedOnVersion is < 0)
        {
            throw new InvalidIntentException($"basedOnVersion must be 0 or more; it is {intent.BasedOnVersion}.");
        }

        if (intent.CorrelationId is { } correlationId && (correlationId.Length > MaxCorrelationIdLength || !IsPrintableAscii(correlationId)))
        {
            throw new InvalidIntentException($"The correlation id must be 1–{MaxCorrelationIdLength} printable ASCII characters.");
        }

        if (CheckSession(intent.Session) is { } sessionProblem)
        {
            throw new InvalidIntentException(sessionProblem);
        }

        if (CheckPayload(intent.Operation, intent.Payload) is { } payloadProblem)
        {
            throw new InvalidIntentException(payloadProblem);
        }
    }

    /// <summary>Returns why the payload does not fit the operation, or null when it does.</summary>
    public static string? CheckPayload(IntentOperation operation, JsonElement? payload)
    {
        var kind = payload?.ValueKind ?? JsonValueKind.Undefined;
        switch (operation)
        {
            case IntentOperation.Delete:
                return kind is JsonValueKind.Undefined or JsonValueKind.Null ? null : "A delete takes no payload.";
            case IntentOperation.Set or IntentOperation.Merge:
                return kind == JsonValueKind.Object ? null : $"The payload of '{Name(operation)}' must be a JSON object.";
            case IntentOperation.Increment:
                if (kind != JsonValueKind.Object || !payload!.Value.EnumerateObject().Any())
                {
                    return "The payload of 'increment' must be a non-empty object of field names to numbers, e.g. {\"count\": 1}.";
                }

                foreach (var field in payload.Value.EnumerateObject())
                {
                    if (field.Value.ValueKind != JsonValueKind.Number || !field.Value.TryGetDouble(out var delta) || !double.IsFinite(delta))
                    {
                        return $"The increment of field '{field.Name}' must be a finite number.";
                    }
                }

                return null;
            case IntentOperation.Add or IntentOperation.Remove:
                if (kind != JsonValueKind.Object || !payload!.Value.EnumerateObject().Any())
                {
                    return $"The payload of '{Name(operation)}' must be a non-empty object of field names to arrays of members, e.g. {{\"tags\": [\"a\"]}}.";
                }

                foreach (var field in payload.Value.EnumerateObject())
                {
                    if (field.Value.ValueKind != JsonValueKind.Array)
                    {
                        return $"The members for field '{field.Name}' must be a JSON array.";
                    }
                }

                return null;
            default:
                return $"Unknown operation '{operation}'.";
        }
    }

    /// <summary>The operation's wire name, e.g. <c>merge</c>.</summary>
    public static string Name(IntentOperation operation) => operation.ToString().ToLowerInvariant();
}
