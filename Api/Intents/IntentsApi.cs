using OrleansConsistency.Api.Access;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using OrleansConsistency.Api.Correlation;
using OrleansConsistency.Api.Deadlines;
using OrleansConsistency.Api.OpenApi;
using OrleansConsistency.Api.Problems;
using OrleansConsistency.Api.Resources;
using OrleansConsistency.Grains.Interfaces.Deadlines;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Api.Intents;

/// <summary>
/// <c>/v1/resources/{type}/{id}/intents</c>: submit a change under an idempotency key, and follow its status.
/// Everything that can be refused without the grain is refused first, so such refusals record nothing.
/// </summary>
internal static class IntentsApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>The version the person was looking at, as a header (the body's basedOnVersion wins nothing: both must agree).</summary>
    public const string BasedOnVersionHeader = "X-Based-On-Version";

    /// <summary>The client session (e.g. one browser tab): its own earlier writes never conflict with its later intents.</summary>
    public const string SessionHeader = "X-Session-Id";

    /// <summary>The most a request whose change ran out of time spends past its deadline to learn the change's status.</summary>
    private static readonly TimeSpan StatusQueryGrace = TimeSpan.FromMilliseconds(250);

    public static RouteGroupBuilder MapIntentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/resources/{type}/{id}/intents").WithTags("Intents").AddEndpointFilter<RequestDeadlineFilter>();

        api.MapPost("/", SubmitIntentAsync)
            .WithName("SubmitIntent")
            .WithSummary("Submit an intent (a change) to a resource")
            .WithDescription(
                "Applies the change once, whatever the number of retries with the same Idempotency-Key: a retry gets the first answer "
                + "again with Idempotent-Replayed: true. The answer is 202 Accepted with the intent's status at Location. With Prefer: wait=N "
                + "(at most 30 s) the answer is held until the intent is settled or failed (200) or N seconds pass (202 with Retry-After).")
            .Produces<IntentStatus>(StatusCodes.Status202Accepted)
            .Produces<IntentStatus>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout)
            .AddOpenApiOperationTransformer(ApiOpenApi.DescribeSubmitIntentAsync)
            .AddEndpointFilter<Telemetry.IntentTelemetryFilter>()
            .AddEndpointFilter<ResourceRouteFilter>()
            .RequireAuthorization(ApiPolicies.Write);

        // Catch-all, so that a key with an escaped "/" (%2F) still reaches this endpoint whichever server decoded the path.
        api.MapGet("/{**key}", GetIntentStatusAsync)
            .WithName("GetIntentStatus")
            .WithSummary("Get the status of an intent")
            .WithDescription("Where the intent is (pending, in-progress, settled, rejected or failed), its timeline, and when it should be settled. "
                + "With Prefer: wait=N (at most 30 s) the answer is held until the intent is settled or failed (200) or N seconds pass (202 with Retry-After).")
            .Produces<IntentStatus>(StatusCodes.Status200OK)
            .Produces<IntentStatus>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .AddOpenApiOperationTransformer(ApiOpenApi.DescribeGetIntentStatusAsync)
            .AddEndpointFilter<ResourceRouteFilter>()
            .RequireAuthorization(ApiPolicies.Read);

        return api;
    }

    private static async Task<Results<Ok<IntentStatus>, Accepted<IntentStatus>, ProblemHttpResult>> SubmitIntentAsync(
        string type,
        string id,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        [FromHeader(Name = "If-Match")] string? ifMatch,
        [FromHeader(Name = BasedOnVersionHeader)] string? basedOnHeader,
        [FromHeader(Name = SessionHeader)] string? session,
        HttpContext context,
        IGrainFactory grains,
        StorageHealth storage,
        TimeProvider time,
        IOptions<ApiOptions> options)
    {
        // Measured from the start, so the whole answer, not just the wait, stays within what the client asked for.
        var started = time.GetTimestamp();
        var resource = ResourceRoute.KeyOf(context, type, id);

        if (string.IsNullOrEmpty(idempotencyKey))
        {
            return ApiProblems.Create(
                context,
                ProblemTypes.MissingIdempotencyKey,
                "Send an Idempotency-Key header with a value you choose for this change (for example a new UUID), and reuse it only to retry the same change.");
        }

        // Two headers arrive joined by a comma and would silently become one unintended key.
        if (context.Request.Headers[IdempotencyKeyHeader].Count > 1)
        {
            return ApiProblems.Create(context, ProblemTypes.InvalidIdempotencyKey, "Send exactly one Idempotency-Key header.");
        }

        if (IntentValidator.CheckIdempotencyKey(idempotencyKey) is { } invalidKey)
        {
            return ApiProblems.Create(context, ProblemTypes.InvalidIdempotencyKey, invalidKey);
        }

        if (!IfMatch.TryParse(ifMatch, out var ifMatchVersion, out var ifMatchProblem))
        {
            return ApiProblems.Create(context, ProblemTypes.InvalidIntent, ifMatchProblem!);
        }

        var (request, bodyProblem) = await IntentBodyReader.ReadAsync(context, options.Value.MaxBodyBytes).ConfigureAwait(false);
        if (bodyProblem is not null)
        {
            return bodyProblem;
        }

        if (ifMatchVersion is { } headerVersion && request!.ExpectedVersion is { } bodyVersion && headerVersion != bodyVersion)
        {
            return ApiProblems.Create(
                context,
                ProblemTypes.InvalidIntent,
                $"If-Match says version {headerVersion} but expectedVersion says {bodyVersion}. Send one of them, or the same version in both.");
        }

        long? basedOnVersion = request!.BasedOnVersion;
        if (!string.IsNullOrEmpty(basedOnHeader))
        {
            if (!long.TryParse(basedOnHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var headerBasedOn))
            {
                return ApiProblems.Create(context, ProblemTypes.InvalidIntent, $"{BasedOnVersionHeader} must be a version number, 0 or more, such as 3; it is '{basedOnHeader}'.");
            }

            if (basedOnVersion is { } bodyBasedOn && bodyBasedOn != headerBasedOn)
            {
                return ApiProblems.Create(context, ProblemTypes.InvalidIntent, $"{BasedOnVersionHeader} says version {headerBasedOn} but basedOnVersion says {bodyBasedOn}. Send one of them, or the same version in both.");
            }

            basedOnVersion = headerBasedOn;
        }

        var sessionProblem = context.Request.Headers[SessionHeader].Count > 1 ? $"Send exactly one {SessionHeader} header." : IntentValidator.CheckSession(session) is { } invalid ? $"{SessionHeader}: {invalid}" : null;
        if (sessionProblem is not null)
        {
            return ApiProblems.Create(context, ProblemTypes.InvalidIntent, sessionProblem);
        }

        var operation = request.Op;
        if (IntentValidator.CheckPayload(operation, request.Payload) is { } payloadProblem)
        {
            return ApiProblems.Create(context, ProblemTypes.InvalidIntent, payloadProblem);
        }

        // The database is known to be down: refuse at once rather than queue a change that cannot be made durable.
        if (storage.RetryAfter is { } storageBackIn)
        {
            return ServiceProblems.StorageDown(context, storageBackIn, idempotencyKey);
        }

        var correlationId = CorrelationId.Get(context);
        var intent = new Intent(idempotencyKey, operation, request.Payload, request.ExpectedVersion ?? ifMatchVersion, correlationId, basedOnVersion, request.IssuedAt ?? time.GetUtcNow(), session);
        var grain = grains.GetGrain<IResourceGrain>(resource.GrainKey);
        var deadline = RequestDeadline.Of(context)!;

        IntentResult result;
        try
        {
            // The grain gets the request's time less a reserve, so that a change that runs out of time can still be
            // answered with its status before the request's own deadline.
            using (CallDeadline.WithDeadline(deadline.ForGrainCall(options.Value)))
            {
                RequestContext.Set(CorrelationId.RequestContextKey, correlationId);
                result = await grain.Submit(intent).ConfigureAwait(false);
            }
        }
        catch (DeadlineExceededException exception) when (exception.Started)
        {
            // The change is being applied: its status, not an error, is the answer.
            return await AnswerStartedAsync(context, resource, grain, idempotencyKey, exception, time).ConfigureAwait(false);
        }
        catch (IdempotencyKeyMisuseException)
        {
            return ApiProblems.Create(
                context,
                ProblemTypes.IdempotencyKeyMisuse,
                $"The Idempotency-Key '{idempotencyKey}' was already used for a different request to {resource}. Nothing was applied. Use a new key for a new change.",
                [new("idempotencyKey", idempotencyKey)]);
        }
        catch (InvalidIntentException exception)
        {
            return ApiProblems.Create(context, ProblemTypes.InvalidIntent, exception.Message);
        }
        catch (Exception exception) when (ServiceProblems.ForChange(context, exception, idempotencyKey) is { } unavailable)
        {
            return unavailable;
        }

        var status = result.Status;
        if (status.Rejection is null && status.State != IntentState.Conflict && PreferWait.Parse(context.Request.Headers[PreferWait.PreferHeader], options.Value.MaxPreferWait) is { } wait)
        {
            // The wait ends in time to answer within the request's deadline: then the answer is the status so far (202).
            var remaining = TimeSpan.FromSeconds(wait) - time.GetElapsedTime(started);
            var beforeDeadline = deadline.ForGrainCall(options.Value) - time.GetUtcNow();
            remaining = beforeDeadline < remaining ? beforeDeadline : remaining;
            if (!IsFinal(status) && remaining > TimeSpan.Zero)
            {
                status = await WaitAsync(grain, status, remaining, options.Value) ?? status;
            }

            return AnswerAfterWait(context, resource, status, wait, result.Replayed, time);
        }

        return Answer(context, resource, result);
    }

    /// <summary>
    /// The status once final or after <paramref name="wait"/>. The intent is already applied, so a wait that fails (a
    /// timeout, storage) must not turn into an error: null, and the caller answers with what it already knows.
    /// </summary>
    private static async Task<IntentStatus?> WaitAsync(IResourceGrain grain, IntentStatus status, TimeSpan wait, ApiOptions options)
    {
        try
        {
            // The call's deadline must outlast the wait it asks for, or every unsettled wait would end as a timeout.
            using (CallDeadline.WithTimeout(wait + options.GrainCallTimeout))
            {
                return await grain.WaitForIntentStatus(status.IdempotencyKey, wait).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is TimeoutException or DeadlineExceededException or StorageUnavailableException or OrleansMessageRejectionException)
        {
            return null;
        }
    }

    /// <summary>
    /// The answer to a change whose deadline ran out while the grain was applying it: its status now (pending while it
    /// is being saved, in progress once saved), 202 with Location and Retry-After. Only when even the status cannot be
    /// had is the outcome unknown.
    /// </summary>
    private static async Task<Results<Ok<IntentStatus>, Accepted<IntentStatus>, ProblemHttpResult>> AnswerStartedAsync(
        HttpContext context,
        ResourceKey resource,
        IResourceGrain grain,
        string idempotencyKey,
        DeadlineExceededException exception,
        TimeProvider time)
    {
        IntentStatus? status = null;
        try
        {
            // An interleaving call: it answers while the change is still being saved. The request's own time is spent,
            // so the query gets a short grace of its own (outside the request's deadline, which can only shorten):
            // on a loaded silo that is the difference between telling the status and "outcome unknown".
            Task<IntentStatus?> query;
            using (ExecutionContext.SuppressFlow())
            {
                query = Task.Run(async () =>
                {
                    using (CallDeadline.WithTimeout(StatusQueryGrace))
                    {
                        return await grain.GetIntentStatus(idempotencyKey).ConfigureAwait(false);
                    }
                });
            }

            status = await query.ConfigureAwait(false);
        }
        catch (Exception failure) when (failure is TimeoutException or DeadlineExceededException or StorageUnavailableException or LimitExceededException or OrleansMessageRejectionException)
        {
            // Falls through to outcome-unknown below.
        }

        if (status is null)
        {
            return ServiceProblems.ForChange(context, new TimeoutException(exception.Message), idempotencyKey)!;
        }

        var location = IntentLocation.For(resource, idempotencyKey);
        var headers = context.Response.Headers;
        headers.Location = location;
        headers.RetryAfter = PreferWait.RetryAfter(status.ExpectedSettleBy, time.GetUtcNow());
        if (status.Version is { } version)
        {
            headers.ETag = ETags.For(version);
            headers[PreferWait.ConsistencyTokenHeader] = version.ToString(CultureInfo.InvariantCulture);
        }

        return IsFinal(status) ? TypedResults.Ok(status) : TypedResults.Accepted(location, status);
    }

    /// <summary>Settled and failed do not change by waiting longer (a retry by an operator starts a new wait), so both end it.</summary>
    private static bool IsFinal(IntentStatus status) => status.State is IntentState.Settled or IntentState.Failed or IntentState.Rejected;

    /// <summary>
    /// The answer to a request that asked to wait: 200 when the intent reached a final state, else 202 with when to ask
    /// again. Preference-Applied says the wait was honoured (with the capped number of seconds) either way.
    /// </summary>
    private static Results<Ok<IntentStatus>, Accepted<IntentStatus>, ProblemHttpResult> AnswerAfterWait(
        HttpContext context,
        ResourceKey resource,
        IntentStatus status,
        int wait,
        bool replayed,
        TimeProvider time)
    {
        var location = IntentLocation.For(resource, status.IdempotencyKey);
        var headers = context.Response.Headers;
        headers.Location = location;
        headers[PreferWait.PreferenceAppliedHeader] = $"wait={wait.ToString(CultureInfo.InvariantCulture)}";
        if (replayed)
        {
            headers[ReplayedHeader] = "true";
        }

        if (status.Version is { } version)
        {
            headers.ETag = ETags.For(version);
            headers[PreferWait.ConsistencyTokenHeader] = version.ToString(CultureInfo.InvariantCulture);
        }

        if (IsFinal(status))
        {
            return TypedResults.Ok(status);
        }

        headers.RetryAfter = PreferWait.RetryAfter(status.ExpectedSettleBy, time.GetUtcNow());
        return TypedResults.Accepted(location, status);
    }

    /// <summary>The answer to a decided intent, the same for the first request and every replay of it.</summary>
    private static Results<Ok<IntentStatus>, Accepted<IntentStatus>, ProblemHttpResult> Answer(HttpContext context, ResourceKey resource, IntentResult result)
    {
        var status = result.Status;
        var location = IntentLocation.For(resource, status.IdempotencyKey);
        context.Response.Headers.Location = location;
        if (result.Replayed)
        {
            context.Response.Headers[ReplayedHeader] = "true";
        }

        if (status.Rejection is { } rejection)
        {
            var problemType = rejection.Code switch
            {
                IntentRejection.VersionMismatch => ProblemTypes.VersionMismatch,
                IntentRejection.Conflict => ProblemTypes.Conflict,
                IntentRejection.TooManyConflicts => ProblemTypes.TooManyConflicts,
                _ => ProblemTypes.CannotApply,
            };
            return ApiProblems.Create(
                context,
                problemType,
                rejection.Reason,
                [
                    new("code", rejection.Code),
                    new("currentVersion", status.CurrentVersion),
                    new("idempotencyKey", status.IdempotencyKey),
                    new("conflict", status.Conflict),
                    new("intent", status),
                ]);
        }

        if (status.State == IntentState.Conflict)
        {
            // Recorded, and waiting for a person: the change is not saved, so a success code would mislead.
            return ApiProblems.Create(
                context,
                ProblemTypes.ConflictPending,
                status.Message,
                [
                    new("code", status.Code),
                    new("currentVersion", status.CurrentVersion),
                    new("idempotencyKey", status.IdempotencyKey),
                    new("resolution", $"{location}/resolution"),
                    new("conflict", status.Conflict),
                    new("intent", status),
                ]);
        }

        if (status.Version is { } version)
        {
            context.Response.Headers.ETag = ETags.For(version);
            context.Response.Headers[PreferWait.ConsistencyTokenHeader] = version.ToString(CultureInfo.InvariantCulture);
        }

        return TypedResults.Accepted(location, status);
    }

    private static async Task<Results<Ok<IntentStatus>, Accepted<IntentStatus>, ProblemHttpResult>> GetIntentStatusAsync(
        string type,
        string id,
        string key,
        HttpContext context,
        IGrainFactory grains,
        TimeProvider time,
        IOptions<ApiOptions> options)
    {
        var idempotencyKey = IntentLocation.KeyFromRequest(context, key);

        // A key that can never exist is simply not found; there is nothing to correct in a lookup.
        var resource = ResourceRoute.KeyOf(context, type, id);
        if (IntentValidator.CheckIdempotencyKey(idempotencyKey) is not null)
        {
            return ApiProblems.Create(context, ProblemTypes.IntentNotFound, "No intent can have this key: keys are 1–255 printable ASCII characters.");
        }

        var wait = PreferWait.Parse(context.Request.Headers[PreferWait.PreferHeader], options.Value.MaxPreferWait);
        var grain = grains.GetGrain<IResourceGrain>(resource.GrainKey);
        var deadline = RequestDeadline.Of(context)!;
        IntentStatus? status;
        try
        {
            // A read has no applied change to protect, so unlike a submission a failed wait is reported like any failed read.
            // The wait ends early enough to answer within the request's deadline.
            var grainDeadline = deadline.ForGrainCall(options.Value);
            using (CallDeadline.WithDeadline(grainDeadline))
            {
                var maxWait = wait is { } seconds ? TimeSpan.FromSeconds(seconds) : TimeSpan.Zero;
                var beforeDeadline = grainDeadline - time.GetUtcNow() - options.Value.DeadlineReserve;
                maxWait = beforeDeadline < maxWait ? beforeDeadline : maxWait;
                status = wait is not null && maxWait > TimeSpan.Zero
                    ? await grain.WaitForIntentStatus(idempotencyKey, maxWait).ConfigureAwait(false)
                    : await grain.GetIntentStatus(idempotencyKey).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (ServiceProblems.ForRead(context, exception) is { } unavailable)
        {
            return unavailable;
        }

        return status is null
            ? ApiProblems.Create(
                context,
                ProblemTypes.IntentNotFound,
                $"No intent with the key '{idempotencyKey}' is known for {resource}. It was never sent, it was refused before it was recorded, or it is older than the retention window.",
                [new("idempotencyKey", idempotencyKey)])
            : wait is { } applied
                ? AnswerAfterWait(context, resource, status, applied, replayed: false, time)
                : TypedResults.Ok(status);
    }
}
