using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using OrleansConsistency.Api.Problems;
using OrleansConsistency.Api.Serialization;
using OrleansConsistency.Grains.Interfaces.Intents;

namespace OrleansConsistency.Api.Intents;

/// <summary>
/// Reads and checks an intent body before anything reaches a grain. The body is read here, not by model binding, so
/// the size limit is ours (a Content-Length over it is refused unread) and every refusal is a problem in plain words.
/// A refusal here records nothing, so the client can fix the request and send it again with the same key.
/// </summary>
internal static class IntentBodyReader
{
    private const int ChunkSize = 16 * 1024;

    private static readonly Dictionary<string, IntentOperation> Operations =
        Enum.GetValues<IntentOperation>().ToDictionary(IntentValidator.Name, StringComparer.Ordinal);

    /// <summary>The request, or the problem to answer instead.</summary>
    public static async Task<(IntentRequest? Request, ProblemHttpResult? Problem)> ReadAsync(HttpContext context, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (CheckContentType(context) is { } mediaProblem)
        {
            return (null, mediaProblem);
        }

        var request = context.Request;
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(context, maxBytes));
        }

        // Kestrel's own limit (30 MB by default) would cut a larger configured limit short with a bare 413.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature
            && sizeFeature.MaxRequestBodySize < maxBytes + 1)
        {
            sizeFeature.MaxRequestBodySize = maxBytes + 1;
        }

        byte[]? body;
        int length;
        try
        {
            (body, length) = await ReadBoundedAsync(request.Body, maxBytes, context.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(context, maxBytes));
        }
        catch (BadHttpRequestException)
        {
            // The server's own refusal of the body (e.g. it ended early): still bad input, not our fault, not a 500.
            return (null, ApiProblems.Create(context, ProblemTypes.MalformedJson, "The request body could not be read completely; send it again."));
        }

        if (body is null)
        {
            return (null, TooLarge(context, maxBytes));
        }

        try
        {
            return Parse(context, body.AsMemory(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    private static ProblemHttpResult? CheckContentType(HttpContext context)
    {
        var contentType = context.Request.ContentType;
        if (string.IsNullOrEmpty(contentType) || !MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            return ApiProblems.Create(
                context,
                ProblemTypes.UnsupportedMediaType,
                "Send the intent as JSON, with the header Content-Type: application/json.");
        }

        var isJson = mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase);
        if (!isJson)
        {
            return ApiProblems.Create(
                context,
                ProblemTypes.UnsupportedMediaType,
                $"The body was sent as {mediaType.MediaType}; send it as JSON, with the header Content-Type: application/json.");
        }

        // JSON on the wire is UTF-8 (RFC 8259); another declared charset means we would misread the text.
        if (mediaType.Charset.HasValue && !mediaType.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return ApiProblems.Create(
                context,
                ProblemTypes.UnsupportedMediaType,
                $"The body was declared as {mediaType.Charset}; send JSON as UTF-8.");
        }

        return null;
    }

    /// <summary>Reads at most <paramref name="maxBytes"/>; returns a null buffer when the body is longer.</summary>
    private static async Task<(byte[]? Buffer, int Length)> ReadBoundedAsync(Stream body, long maxBytes, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                buffer.AsSpan(0, length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }

            var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return (buffer, length);
            }

            length += read;
            if (length > maxBytes)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                return (null, length);
            }
        }
    }

    /// <summary>
    /// How deep objects and arrays may nest in a body: far more than any payload needs, and a bound on the work a
    /// hostile body (thousands of "[") can cause in every later step that walks the document.
    /// </summary>
    public const int MaxJsonDepth = 32;

    private static (IntentRequest? Request, ProblemHttpResult? Problem) Parse(HttpContext context, ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            return (null, ApiProblems.Create(context, ProblemTypes.MalformedJson, "The request body is empty. Send a JSON object such as {\"op\": \"set\", \"payload\": {}}."));
        }

        // JSON readers check UTF-8 only inside the strings they decode, and late: checked here, a bad byte is the
        // client's mistake (400), not a failure deep in the grain.
        if (!System.Text.Unicode.Utf8.IsValid(body.Span))
        {
            return (null, ApiProblems.Create(context, ProblemTypes.MalformedJson, "The request body is not valid UTF-8; send JSON as UTF-8."));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxJsonDepth });
        }
        catch (JsonException exception)
        {
            var where = exception.LineNumber is { } line ? $" near line {line + 1}, character {exception.BytePositionInLine + 1}" : string.Empty;
            return (null, ApiProblems.Create(context, ProblemTypes.MalformedJson, $"The request body is not valid JSON, or nests deeper than {MaxJsonDepth} levels{where}."));
        }

        using (document)
        {
            var root = document.RootElement;
            if (HasUndecodableText(root))
            {
                return (null, ApiProblems.Create(context, ProblemTypes.MalformedJson, "The request body escapes half of a UTF-16 surrogate pair (such as \\ud800) in a string; such text cannot be read."));
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                return Invalid(context, "The request body must be a JSON object such as {\"op\": \"set\", \"payload\": {}}.");
            }

            foreach (var member in root.EnumerateObject())
            {
                if (!IntentRequest.MemberNames.Contains(member.Name, StringComparer.OrdinalIgnoreCase))
                {
                    return Invalid(context, $"The body has a field '{Grains.Telemetry.DisplayText.Shorten(member.Name, 40)}' that is not known; the fields are op, payload, expectedVersion, basedOnVersion and issuedAt.");
                }
            }

            // The operation is checked by hand because the enum converter would also take numbers and other spellings.
            // Found the way the deserializer finds it (case-insensitively), so both agree on which member is the op.
            var op = root.EnumerateObject().FirstOrDefault(m => string.Equals(m.Name, "op", StringComparison.OrdinalIgnoreCase)).Value;
            if (op.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            {
                return Invalid(context, "The body has no 'op'. Say what to do: set, merge, increment, add, remove or delete.");
            }

            if (op.ValueKind != JsonValueKind.String || !Operations.ContainsKey(op.GetString()!))
            {
                return Invalid(context, $"The op {op.GetRawText()} is not known. Use set, merge, increment, add, remove or delete.");
            }

            IntentRequest? request;
            try
            {
                request = root.Deserialize(ApiJsonContext.Default.IntentRequest);
            }
            catch (JsonException exception)
            {
                var field = exception.Path?.TrimStart('$', '.') is { Length: > 0 } path ? path : "body";
                return Invalid(context, $"The field '{field}' has a value of the wrong kind; expectedVersion and basedOnVersion are whole numbers, issuedAt is a date and time such as 2026-01-31T12:00:00Z.");
            }

            if (request?.ExpectedVersion is < 0)
            {
                return Invalid(context, $"expectedVersion must be 0 or more; it is {request.ExpectedVersion}.");
            }

            if (request?.BasedOnVersion is < 0)
            {
                return Invalid(context, $"basedOnVersion must be 0 or more; it is {request.BasedOnVersion}.");
            }

            // A payload must not depend on a document that is disposed here: the grain keeps it past this request.
            return (request! with { Payload = request.Payload?.Clone() }, null);
        }
    }

    /// <summary>
    /// True when a string or member name escapes a lone surrogate: valid JSON, but not text, so reading it throws
    /// wherever it is read (the op here, a member of a set in the grain). Walked once, within <see cref="MaxJsonDepth"/>.
    /// </summary>
    private static bool HasUndecodableText(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    _ = element.GetString();
                    return false;
                case JsonValueKind.Object:
                    foreach (var member in element.EnumerateObject())
                    {
                        _ = member.Name;
                        if (HasUndecodableText(member.Value))
                        {
                            return true;
                        }
                    }

                    return false;
                case JsonValueKind.Array:
                    return element.EnumerateArray().Any(HasUndecodableText);
                default:
                    return false;
            }
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    private static (IntentRequest?, ProblemHttpResult?) Invalid(HttpContext context, string detail) =>
        (null, ApiProblems.Create(context, ProblemTypes.InvalidIntent, detail));

    private static ProblemHttpResult TooLarge(HttpContext context, long maxBytes) =>
        ApiProblems.Create(
            context,
            ProblemTypes.BodyTooLarge,
            $"The request body is larger than {maxBytes} bytes, the most this API accepts.",
            [new("maxBytes", maxBytes)]);
}
