using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using OrleansConsistency.Api.Access;
using OrleansConsistency.Api.Correlation;
using OrleansConsistency.Api.Intents;

namespace OrleansConsistency.Api.OpenApi;

/// <summary>
/// What the generated OpenAPI document cannot infer from the handlers: the headers that carry the idempotency and
/// concurrency contract, the intent body, which the handler reads itself to enforce its size limit, and the refusals
/// that middleware answers before any handler runs (401/403, 429, 503), derived from each endpoint's metadata so that
/// the document lists exactly what the endpoint can answer.
/// </summary>
internal static class ApiOpenApi
{
    public static void Configure(OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "OrleansConsistency API";
            document.Info.Description =
                "Change shared resources with intents that apply once per Idempotency-Key, and follow each intent until its consumers have it. "
                + "Errors are RFC 9457 problem details whose type is a stable urn:orleansconsistency:problem:{slug}.";
            return Task.CompletedTask;
        });

        options.AddOperationTransformer(DescribeRefusalsAsync);

        // Every answer carries the correlation id, whatever the endpoint.
        options.AddOperationTransformer((operation, _, _) =>
        {
            DescribeCorrelationId(operation);
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// The answers middleware gives before the endpoint runs, from the same metadata the middleware reads: credentials
    /// and roles (UseAuthorization) unless the endpoint allows anonymous callers or access is off; the caller's rate
    /// (CallerLimitMiddleware) for every endpoint with a caller; load shedding (UseRateLimiter) unless the endpoint
    /// disables rate limiting.
    /// </summary>
    private static async Task DescribeRefusalsAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var accessOn = context.ApplicationServices.GetRequiredService<IOptions<ApiOptions>>().Value.Auth.Mode == AuthMode.On;
        var refusals = new List<(int Status, string Description)>();
        if (!anonymous && accessOn)
        {
            refusals.Add((StatusCodes.Status401Unauthorized, "No usable credentials: an API key or a JWT as Authorization: Bearer."));
            refusals.Add((StatusCodes.Status403Forbidden, "The credentials do not carry the role (or tenant) this endpoint needs."));
        }

        if (!anonymous)
        {
            refusals.Add((StatusCodes.Status429TooManyRequests, "The caller's tenant or key is over its rate (Api:Limits); retry after Retry-After."));
        }

        if (!metadata.OfType<DisableRateLimitingAttribute>().Any())
        {
            refusals.Add((StatusCodes.Status503ServiceUnavailable, "Overloaded (Api:LoadShedding): the request was not started; retry after Retry-After."));
        }

        operation.Responses ??= [];
        foreach (var (status, description) in refusals)
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation.Responses.ContainsKey(key))
            {
                continue;
            }

            var response = new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken).ConfigureAwait(false) },
                },
            };
            if (status is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable)
            {
                AddHeader(response, "Retry-After", "Seconds to wait before retrying.");
            }

            operation.Responses[key] = response;
        }
    }

    private static void DescribeCorrelationId(OpenApiOperation operation)
    {
        AddParameter(operation, CorrelationId.HeaderName, "An id (1–128 printable ASCII) tying this request to logs and events; one is made when absent or unusable.", required: false);
        foreach (var response in (operation.Responses ?? []).Values.OfType<OpenApiResponse>())
        {
            AddHeader(response, CorrelationId.HeaderName, "The request's correlation id.");
        }
    }

    public static async Task DescribeSubmitIntentAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "The intent, at most Api:MaxBodyBytes (1 MiB by default), as application/json (or another +json type).",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(IntentRequest), null, cancellationToken).ConfigureAwait(false) },
            },
        };

        Describe(operation, IntentsApi.IdempotencyKeyHeader, "1–255 printable ASCII characters chosen by the client; a retry with the same key never applies twice.", required: true);
        Describe(operation, "If-Match", "The expected version as an ETag, e.g. \"3\"; the same as expectedVersion in the body.", required: false);
        Describe(operation, IntentsApi.BasedOnVersionHeader, "The version the person was looking at, e.g. 3; the same as basedOnVersion in the body. Drives the resource type's conflict policy; never a precondition.", required: false);
        DescribePreferWait(operation);
        DescribeRequestTimeout(operation);
        foreach (var (status, response) in Responses(operation))
        {
            switch (status)
            {
                case "200" or "202":
                    AddHeader(response, "Location", "The intent's status.");
                    AddHeader(response, "ETag", "The version the intent produced.");
                    AddHeader(response, PreferWait.ConsistencyTokenHeader, "The version the intent produced: send it back as minVersion (or this header) for a read-your-writes read.");
                    AddHeader(response, IntentsApi.ReplayedHeader, "true when this is the recorded answer to an earlier request with the same key.");
                    break;
                case "409" or "412":
                    AddHeader(response, "Location", "The intent's status: the refusal is recorded and replays.");
                    AddHeader(response, IntentsApi.ReplayedHeader, "true when this is the recorded answer to an earlier request with the same key.");
                    break;
                case "429" or "503" or "504":
                    AddHeader(response, "Retry-After", "Seconds to wait before retrying with the same Idempotency-Key.");
                    break;
                default:
                    break;
            }
        }
    }

    public static Task DescribeGetIntentStatusAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        DescribePreferWait(operation);
        DescribeRequestTimeout(operation);
        return Task.CompletedTask;
    }

    /// <summary>The <c>Request-Timeout</c> contract, the same on every endpoint that has a deadline.</summary>
    private static void DescribeRequestTimeout(OpenApiOperation operation) =>
        Describe(
            operation,
            Deadlines.RequestDeadline.Header,
            "The request's deadline in milliseconds (a whole number, 1 or more; capped at Api:MaxRequestTimeout, 60 s by default). "
            + "Every grain and dependency call made for the request gets only the time left; work whose deadline passed is not started. "
            + "Without it, the endpoint's default (Api:RequestTimeouts, else Api:GrainCallTimeout, 10 s) plus any Prefer: wait.",
            required: false);

    /// <summary>The <c>Prefer: wait</c> contract, the same on submitting and on asking about an intent.</summary>
    private static void DescribePreferWait(OpenApiOperation operation)
    {
        Describe(operation, PreferWait.PreferHeader, "wait=N (RFC 7240; 1–30 s, larger values are capped): hold the answer until the intent is settled or failed, or N seconds pass.", required: false);
        foreach (var (status, response) in Responses(operation))
        {
            if (status is "200" or "202")
            {
                AddHeader(response, PreferWait.PreferenceAppliedHeader, "wait=N when the answer was held; 200 means settled or failed, 202 still on its way.");
            }

            if (status == "202")
            {
                AddHeader(response, "Retry-After", "With Prefer: wait, seconds before asking again.");
            }
        }
    }

    public static Task DescribeGetResourceAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        Describe(operation, "If-None-Match", "An ETag from an earlier answer; 304 when the resource is still at that version.", required: false);
        Describe(operation, PreferWait.ConsistencyTokenHeader, "With consistency=read-your-writes and no minVersion: the version a change answered with.", required: false);
        DescribeRequestTimeout(operation);
        foreach (var (status, response) in Responses(operation))
        {
            if (status is "200" or "304")
            {
                AddHeader(response, "ETag", "The version shown, in quotes.");
                AddHeader(response, "Age", "For answers from the read model: seconds the version shown has been out of date (0 when current); for a stale fallback (stale in the body), seconds since the version shown was applied.");
            }
        }

        return Task.CompletedTask;
    }

    private static IEnumerable<(string Status, OpenApiResponse Response)> Responses(OpenApiOperation operation) =>
        (operation.Responses ?? []).Where(pair => pair.Value is OpenApiResponse).Select(pair => (pair.Key, (OpenApiResponse)pair.Value));

    private static void Describe(OpenApiOperation operation, string header, string description, bool required)
    {
        var parameter = operation.Parameters?.OfType<OpenApiParameter>()
            .FirstOrDefault(p => p.In == ParameterLocation.Header && string.Equals(p.Name, header, StringComparison.OrdinalIgnoreCase));
        if (parameter is null)
        {
            AddParameter(operation, header, description, required);
            return;
        }

        parameter.Description = description;
        parameter.Required = required;
    }

    private static void AddParameter(OpenApiOperation operation, string header, string description, bool required)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = header,
            In = ParameterLocation.Header,
            Required = required,
            Description = description,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
    }

    private static void AddHeader(OpenApiResponse response, string header, string description)
    {
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        response.Headers[header] = new OpenApiHeader { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
    }
}
