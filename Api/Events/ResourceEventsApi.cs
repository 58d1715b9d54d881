using OrleansConsistency.Api.Access;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using OrleansConsistency.Api.Problems;
using OrleansConsistency.Api.Resources;
using OrleansConsistency.Api.Serialization;
using OrleansConsistency.Grains.Interfaces.Consumers;
using OrleansConsistency.Grains.Interfaces.Deadlines;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Grains.Interfaces.Streams;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Api.Events;

/// <summary>
/// Server-Sent Events: <c>/v1/resources/{type}/{id}/events</c> (a resource's transitions, <c>id</c> = version) and
/// <c>/v1/resources/{type}/events</c> (a type's, <c>id</c> = position in the log). Both resume from Last-Event-ID.
/// </summary>
internal static class ResourceEventsApi
{
    public const string LastEventIdHeader = "Last-Event-ID";

    /// <summary>
    /// How often the per-type stream reads the log when its Orleans feed did not wake it: only a safety net, since the
    /// feed carries every commit of the cluster.
    /// </summary>
    private static readonly TimeSpan TypePollInterval = TimeSpan.FromSeconds(1);

    private const int TypePageSize = 500;

    public static RouteGroupBuilder MapResourceEventsApi(this IEndpointRouteBuilder app)
    {
        // Not counted by the global concurrency limit: a stream holds its request open for as long as the client follows.
        var api = app.MapGroup("/v1/resources").WithTags("Events").DisableRateLimiting().AddEndpointFilter<ResourceRouteFilter>()
            .AddEndpointFilter<EventStreamLimitFilter>().RequireAuthorization(ApiPolicies.Read);

        api.MapGet("/{type}/{id}/events", GetResourceEventsAsync)
            .WithName("GetResourceEvents")
            .WithSummary("Follow a resource's changes as Server-Sent Events")
            .WithDescription(
                "event: applied (id = version, data = the transition event), event: settled (no id; data = {settledVersion, version, at}). "
                + "Resume with Last-Event-ID (or ?lastEventId=): every later version exactly once, in order. Without it the stream starts with "
                + "event: snapshot (the resource now) and continues from its version (404 for a resource never created); ?from=0 replays everything "
                + "still kept, and follows a resource from its first version also before it exists. 410 when the "
                + "resume point is older than the log keeps.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapGet("/{type}/events", GetTypeEventsAsync)
            .WithName("GetTypeEvents")
            .WithSummary("Follow every resource of a type as Server-Sent Events")
            .WithDescription(
                "event: applied with id = the event's position in the log and data = the transition event. Resume with Last-Event-ID (or "
                + "?lastEventId=); without it the stream starts at the end of the log, ?from=0 replays everything still kept. Positions are "
                + "exact for the events of one silo's storage.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        return api;
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> GetResourceEventsAsync(
        string type,
        string id,
        [FromHeader(Name = LastEventIdHeader)] string? lastEventIdHeader,
        [FromQuery] string? lastEventId,
        [FromQuery] string? from,
        HttpContext context,
        IClusterClient cluster,
        IResourceHistory history,
        ISettlementFeed settlement,
        IOptions<ApiOptions> options)
    {
        var resource = ResourceRoute.KeyOf(context, type, id);

        if (!TryGetResumePoint(lastEventIdHeader, lastEventId, from, out var resumeAfter, out var resumeProblem))
        {
            return ApiProblems.Create(context, ProblemTypes.InvalidRead, resumeProblem!);
        }

        var aborted = context.RequestAborted;
        ResourceSnapshot? snapshot = null;
        if (resumeAfter is null)
        {
            try
            {
                using (CallDeadline.WithTimeout(options.Value.GrainCallTimeout))
                {
                    snapshot = await cluster.GetGrain<IResourceGrain>(resource.GrainKey).GetSnapshot().ConfigureAwait(false);
                }
            }
            catch (Exception exception) when (ServiceProblems.ForRead(context, exception) is { } unavailable)
            {
                return unavailable;
            }
        }

        // A resource never created (here: in the caller's tenant, so another tenant's is exactly this) is not there to
        // follow from "now"; ?from=0 follows it from its first version, also before it exists.
        if (snapshot is { Version: 0 })
        {
            return ApiProblems.Create(
                context,
                ProblemTypes.ResourceNotFound,
                $"The resource {type}/{Grains.Telemetry.DisplayText.Shorten(id, 40)} was never created. To follow it from its first version, also before it exists, ask with ?from=0.",
                [new("version", 0L)]);
        }

        // Continuing from the snapshot's version (not "live from now") leaves no gap between the snapshot and the first event.
        var after = resumeAfter ?? snapshot!.Version;
        var buffer = new BoundedBuffer(options.Value.EventsBufferSize);
        using var settled = settlement.Subscribe(resource.ScopedType, resource.Id, notice => buffer.Offer(new EventStreamItem(
            null,
            "settled",
            JsonSerializer.Serialize(new SettledEventData(notice.SettledVersion, notice.Version, notice.At), ApiJsonContext.Default.SettledEventData),
            notice.SettledVersion)));

        ResourceStreamFollower subscription;
        try
        {
            subscription = await ResourceStreamFollower.StartAsync(
                cluster.GetStreamProvider(ResourceStreams.ProviderName),
                history,
                resource,
                after,
                transition =>
                {
                    // Never blocks the delivery path: a full buffer ends the stream instead (see BoundedBuffer).
                    buffer.Offer(new EventStreamItem(transition.Version, TransitionEvent.Applied, JsonSerializer.Serialize(transition, ApiJsonContext.Default.TransitionEvent)));
                    return Task.CompletedTask;
                },
                cancellationToken: aborted).ConfigureAwait(false);
        }
        catch (ResumePointTooOldException exception)
        {
            return ApiProblems.Create(
                context,
                ProblemTypes.ResumePointTooOld,
                $"The events of {resource} after version {after} are no longer kept (the log now starts at version {exception.OldestRetainedVersion}). Read the resource again and follow its events from there (without Last-Event-ID).",
                [new("lastEventId", after), new("oldestRetainedVersion", exception.OldestRetainedVersion)]);
        }
        catch (Exception exception) when (ServiceProblems.ForRead(context, exception) is { } unavailable)
        {
            return unavailable;
        }

        await using (subscription.ConfigureAwait(false))
        {
            var writer = new EventStreamWriter(context.Response);
            try
            {
                await writer.StartAsync(aborted).ConfigureAwait(false);
                if (snapshot is not null)
                {
                    await writer.WriteEventAsync(new EventStreamItem(null, "snapshot", JsonSerializer.Serialize(ResourceResponse.From(snapshot), ApiJsonContext.Default.ResourceResponse)), aborted).ConfigureAwait(false);
                }

                await PumpAsync(writer, buffer, after, options.Value.EventsHeartbeat, aborted).ConfigureAwait(false);
            }
            catch (Exception exception) when (aborted.IsCancellationRequested && exception is OperationCanceledException or IOException)
            {
                // The client left: nothing to answer, and the subscription ends with this scope.
            }
        }

        return TypedResults.Empty;
    }

    /// <summary>Writes buffered events until the client leaves or the buffer overflows, with a heartbeat while idle.</summary>
    private static async Task PumpAsync(EventStreamWriter writer, BoundedBuffer buffer, long after, TimeSpan heartbeat, CancellationToken aborted)
    {
        var lastId = after;

        // Settled notices come from the consumers, the applied events from the resource's stream: either may be
        // first, and a notice waits here until the applied event of its version has been written.
        var held = new Queue<EventStreamItem>();
        while (true)
        {
            bool more;
            using (var idle = CancellationTokenSource.CreateLinkedTokenSource(aborted))
            {
                idle.CancelAfter(heartbeat);
                try
                {
                    more = await buffer.Reader.WaitToReadAsync(idle.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    await writer.WriteCommentAsync("keep-alive", aborted).ConfigureAwait(false);
                    continue;
                }
            }

            if (!more)
            {
                // Only an overflow completes the buffer. The client reconnects (after retry) with the last id it got
                // and misses nothing; silently dropping events instead would leave a gap it could not see.
                await writer.WriteCommentAsync("the client fell behind; reconnect with Last-Event-ID to continue", aborted).ConfigureAwait(false);
                return;
            }

            while (buffer.Reader.TryRead(out var item))
            {
                // Delivery is at least once; the id check makes what the client sees exactly once.
                if (item.Id is { } id)
                {
                    if (id <= lastId)
                    {
                        continue;
                    }

                    lastId = id;
                }
                else if (item.NotBefore is { } notBefore && (notBefore > lastId || held.Count > 0))
                {
                    held.Enqueue(item);
                    continue;
                }

                await writer.WriteEventAsync(item, aborted).ConfigureAwait(false);
                while (held.TryPeek(out var waiting) && waiting.NotBefore <= lastId)
                {
                    await writer.WriteEventAsync(held.Dequeue(), aborted).ConfigureAwait(false);
                }
            }
        }
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> GetTypeEventsAsync(
        string type,
        [FromHeader(Name = LastEventIdHeader)] string? lastEventIdHeader,
        [FromQuery] string? lastEventId,
        [FromQuery] string? from,
        HttpContext context,
        IEventLog log,
        IClusterClient cluster,
        IOptions<ApiOptions> options)
    {
        if (!TryGetResumePoint(lastEventIdHeader, lastEventId, from, out var resumeAfter, out var resumeProblem))
        {
            return ApiProblems.Create(context, ProblemTypes.InvalidRead, resumeProblem!);
        }

        // The caller's tenant's feed of the type: another tenant's resources of the same type are not in it.
        var scopedType = ResourceKey.ScopeOf(ApiClaims.RequireTenant(context), type);
        var streamNamespace = ResourceKey.StreamNamespacePrefix + scopedType;
        var aborted = context.RequestAborted;

        // The type's Orleans feed (every commit in the cluster) wakes the reader; the log, read by position, is what
        // is sent, so resuming is exact whatever order the feed arrives in.
        var wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        StreamSubscriptionHandle<EventRecord> feed;
        try
        {
            feed = await cluster.GetStreamProvider(ResourceStreams.ProviderName).GetStream<EventRecord>(ResourceStreams.TypeFeed(scopedType))
                .SubscribeAsync((_, _) => Task.FromResult(wake.Writer.TryWrite(true))).WaitAsync(aborted).ConfigureAwait(false);
        }
        catch (Exception exception) when (ServiceProblems.ForRead(context, exception) is { } unavailable)
        {
            return unavailable;
        }

        try
        {
            return await FollowTypeAsync(context, log, streamNamespace, resumeAfter, wake.Reader, options.Value.EventsHeartbeat).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                await feed.UnsubscribeAsync().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The client is gone either way; a subscription the cluster cannot remove now goes with this client.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> FollowTypeAsync(HttpContext context, IEventLog log, string streamNamespace, long? resumeAfter, ChannelReader<bool> wake, TimeSpan heartbeat)
    {
        var aborted = context.RequestAborted;

        long position;
        try
        {
            position = resumeAfter ?? await FindEndAsync(log, streamNamespace, aborted).ConfigureAwait(false);
        }
        catch (Exception exception) when (ServiceProblems.ForRead(context, exception) is { } unavailable)
        {
            return unavailable;
        }

        var writer = new EventStreamWriter(context.Response);
        try
        {
            await writer.StartAsync(aborted).ConfigureAwait(false);
            var lastWrite = DateTimeOffset.UtcNow;
            while (true)
            {
                var page = await log.ReadNamespaceAsync(streamNamespace, position, TypePageSize, aborted).ConfigureAwait(false);
                foreach (var record in page)
                {
                    await writer.WriteEventAsync(new EventStreamItem(record.Sequence, record.Type, record.Payload), aborted).ConfigureAwait(false);
                    position = record.Sequence;
                    lastWrite = DateTimeOffset.UtcNow;
                }

                if (page.Count == TypePageSize)
                {
                    continue;
                }

                if (DateTimeOffset.UtcNow - lastWrite >= heartbeat)
                {
                    await writer.WriteCommentAsync("keep-alive", aborted).ConfigureAwait(false);
                    lastWrite = DateTimeOffset.UtcNow;
                }

                using var nap = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                nap.CancelAfter(TypePollInterval);
                try
                {
                    await wake.ReadAsync(nap.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    // The poll interval passed without a local commit: read the log anyway.
                }
            }
        }
        catch (Exception exception) when (aborted.IsCancellationRequested && exception is OperationCanceledException or IOException)
        {
            // The client left.
        }

        return TypedResults.Empty;
    }

    /// <summary>
    /// The position of the namespace's last event (0 when it has none), by binary search over "is there an event after
    /// p": a few indexed single-row reads instead of reading the whole log.
    /// </summary>
    private static async Task<long> FindEndAsync(IEventLog log, string streamNamespace, CancellationToken cancellationToken)
    {
        async Task<long?> FirstAfterAsync(long p) =>
            (await log.ReadNamespaceAsync(streamNamespace, p, 1, cancellationToken).ConfigureAwait(false)) is [var first, ..] ? first.Sequence : null;

        if (await FirstAfterAsync(0).ConfigureAwait(false) is not { } low)
        {
            return 0;
        }

        // Invariant: an event exists at low; none exists after high.
        var step = 1L;
        var high = low;
        while (await FirstAfterAsync(high).ConfigureAwait(false) is { } found)
        {
            low = found;
            high = found + step;
            step *= 2;
        }

        while (high - low > 0)
        {
            var mid = low + ((high - low) / 2);
            if (await FirstAfterAsync(mid).ConfigureAwait(false) is { } found)
            {
                low = found;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    /// <summary>Last-Event-ID (header, else query) or from; each a whole number, the position after which to start.</summary>
    private static bool TryGetResumePoint(string? header, string? query, string? from, out long? after, out string? problem)
    {
        after = null;
        problem = null;
        var (raw, name) = header is not null ? (header, LastEventIdHeader) : query is not null ? (query, "lastEventId") : (from, "from");
        if (raw is null)
        {
            return true;
        }

        if (!long.TryParse(raw.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            problem = $"{name} must be the id of an event this stream sent (a whole number, 0 or more), not '{raw}'.";
            return false;
        }

        after = value;
        return true;
    }
}
