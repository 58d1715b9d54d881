using static Microsoft.AspNetCore.Http.StatusCodes;

namespace OrleansConsistency.Api.Problems;

/// <summary>
/// Every problem type the API answers with, in one place, so that the slugs, titles and status codes of the public
/// contract can be reviewed together and are never spelled twice.
/// </summary>
internal static class ProblemTypes
{
    public static readonly ProblemType MissingIdempotencyKey = new("missing-idempotency-key", "The Idempotency-Key header is missing", Status400BadRequest);

    public static readonly ProblemType InvalidIdempotencyKey = new("invalid-idempotency-key", "The Idempotency-Key is not valid", Status400BadRequest);

    public static readonly ProblemType IdempotencyKeyMisuse = new("idempotency-key-misuse", "The Idempotency-Key was already used for a different request", Status422UnprocessableEntity);

    public static readonly ProblemType VersionMismatch = new("version-mismatch", "The resource is not at the expected version", Status412PreconditionFailed);

    public static readonly ProblemType CannotApply = new("cannot-apply", "The change does not fit the resource", Status409Conflict);

    /// <summary>The reject conflict policy refused a change: a field it writes changed after the version it was based on.</summary>
    public static readonly ProblemType Conflict = new("conflict", "The change conflicts with changes made since the version it was based on", Status409Conflict);

    /// <summary>The manual conflict policy parked a change until someone resolves it.</summary>
    public static readonly ProblemType ConflictPending = new("conflict-pending", "The change waits for someone to resolve a conflict", Status409Conflict);

    public static readonly ProblemType TooManyConflicts = new("too-many-conflicts", "Too many changes to this resource already wait for a conflict resolution", Status409Conflict);

    public static readonly ProblemType NotInConflict = new("not-in-conflict", "The intent is not waiting for a conflict resolution", Status409Conflict);

    public static readonly ProblemType AlreadyResolved = new("already-resolved", "The conflict was already resolved otherwise", Status409Conflict);

    public static readonly ProblemType InvalidResolution = new("invalid-resolution", "The conflict resolution is not valid", Status400BadRequest);

    // Checked once for every /v1/resources route, reads and writes alike (ResourceRouteFilter).
    public static readonly ProblemType InvalidResourceType = new("invalid-resource-type", "The resource type in the path is not valid", Status400BadRequest);

    public static readonly ProblemType InvalidResourceId = new("invalid-resource-id", "The resource id in the path is not valid", Status400BadRequest);

    public static readonly ProblemType MalformedJson = new("malformed-json", "The request body is not valid JSON", Status400BadRequest);

    public static readonly ProblemType InvalidIntent = new("invalid-intent", "The intent is not valid", Status400BadRequest);

    public static readonly ProblemType BodyTooLarge = new("body-too-large", "The request body is too large", Status413PayloadTooLarge);

    public static readonly ProblemType UnsupportedMediaType = new("unsupported-media-type", "The request body must be JSON", Status415UnsupportedMediaType);

    public static readonly ProblemType IntentNotFound = new("intent-not-found", "No intent with this Idempotency-Key is known", Status404NotFound);

    public static readonly ProblemType ResourceNotFound = new("resource-not-found", "The resource does not exist", Status404NotFound);

    public static readonly ProblemType StorageUnavailable = new("storage-unavailable", "Storage is unavailable for the moment", Status503ServiceUnavailable);

    public static readonly ProblemType OutcomeUnknown = new("outcome-unknown", "The outcome is not known yet: retry with the same Idempotency-Key to learn it", Status503ServiceUnavailable);

    /// <summary>A read that did not finish in time. Unlike <see cref="OutcomeUnknown"/> nothing could have changed.</summary>
    public static readonly ProblemType Timeout = new("timeout", "The request did not finish in time", Status503ServiceUnavailable);

    /// <summary>The request's deadline ran out before its work was started: nothing was changed, and nothing will be.</summary>
    public static readonly ProblemType DeadlineExceeded = new("deadline-exceeded", "The request's deadline ran out before its work was started", Status504GatewayTimeout);

    /// <summary>The Request-Timeout header is not a whole number of milliseconds.</summary>
    public static readonly ProblemType InvalidRequestTimeout = new("invalid-request-timeout", "The Request-Timeout header is not valid", Status400BadRequest);

    /// <summary>The resource has too many changes waiting (its grain's mailbox is full): this one was not queued.</summary>
    public static readonly ProblemType ResourceBusy = new("resource-busy", "The resource has too many changes waiting", Status429TooManyRequests);

    /// <summary>The API is serving as many requests as it may at once: this one was shed, not queued.</summary>
    /// <summary>No credentials, or credentials that are unknown, revoked, expired or malformed.</summary>
    public static readonly ProblemType Unauthorized = new("unauthorized", "Credentials are missing or not valid", Status401Unauthorized);

    /// <summary>Valid credentials without the role (or tenant) the endpoint needs.</summary>
    public static readonly ProblemType Forbidden = new("forbidden", "These credentials may not do this", Status403Forbidden);

    /// <summary>A tenant or key sent more requests than its limit allows.</summary>
    public static readonly ProblemType RateLimited = new("rate-limited", "Too many requests for this tenant or key", Status429TooManyRequests);

    /// <summary>A key request names an unknown role or an invalid tenant, or no role.</summary>
    public static readonly ProblemType InvalidKeyRequest = new("invalid-key-request", "The key request is not valid", Status400BadRequest);

    /// <summary>No key with this id is known to the caller.</summary>
    public static readonly ProblemType KeyNotFound = new("key-not-found", "No API key with this id is known", Status404NotFound);

    public static readonly ProblemType TooManyStreams = new("too-many-streams", "As many event streams are open as this server keeps", Status429TooManyRequests);

    public static readonly ProblemType Overloaded = new("overloaded", "The service is serving as many requests as it can", Status503ServiceUnavailable);

    /// <summary>A page's report of perceived times is not JSON of the expected shape, or a time is out of range.</summary>
    public static readonly ProblemType InvalidTiming = new("invalid-timing", "The perceived timing is not valid", Status400BadRequest);

    /// <summary>A read's query (consistency, minVersion, paging, resume point) is not valid.</summary>
    public static readonly ProblemType InvalidRead = new("invalid-read", "The read request is not valid", Status400BadRequest);

    /// <summary>A read-your-writes read asked for a version the resource has not reached: the token is not one we gave.</summary>
    public static readonly ProblemType VersionNotReached = new("version-not-reached", "The resource has not reached the version asked for", Status412PreconditionFailed);

    /// <summary>An event stream cannot resume from the asked point: the log no longer holds the events after it.</summary>
    public static readonly ProblemType ResumePointTooOld = new("resume-point-too-old", "The events after this resume point are no longer kept", Status410Gone);

    public static readonly ProblemType ConsumerNotFound = new("consumer-not-found", "No consumer with this name runs here", Status404NotFound);

    /// <summary>Fault injection named a dependency that is not configured.</summary>
    public static readonly ProblemType DependencyNotFound = new("dependency-not-found", "No dependency with this name is configured", Status404NotFound);

    /// <summary>Fault injection settings out of range (a negative latency, an error rate above 1).</summary>
    public static readonly ProblemType InvalidFaults = new("invalid-faults", "The fault settings are not valid", Status400BadRequest);

    /// <summary>Routing found no endpoint for the path.</summary>
    public static readonly ProblemType NotFound = new("not-found", "There is nothing at this address", Status404NotFound);

    /// <summary>Routing found the path, but not for this method.</summary>
    public static readonly ProblemType MethodNotAllowed = new("method-not-allowed", "This method is not allowed here", Status405MethodNotAllowed);

    /// <summary>A fault of ours; the answer never carries the exception's details.</summary>
    public static readonly ProblemType InternalError = new("internal-error", "Something went wrong on our side", Status500InternalServerError);

    /// <summary>The problem types answered for a bare status code (routing, unhandled exceptions), by status.</summary>
    public static ProblemType? ForStatus(int status) => status switch
    {
        Status404NotFound => NotFound,
        Status405MethodNotAllowed => MethodNotAllowed,
        Status500InternalServerError => InternalError,
        _ => null,
    };
}
