using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using OrleansConsistency.Grains.Interfaces.Correlation;
using OrleansConsistency.Grains.Telemetry;

namespace OrleansConsistency.Api.Tests.Telemetry;

/// <summary>
/// One intent is one trace: the HTTP request, the grain call (Orleans' client and server spans), the commit and every
/// required consumer, all in the same trace and all tagged with the request's correlation id (the consumer joins
/// through the traceparent in the event).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class IntentTraceTests(ApiFactory factory)
{
    /// <summary>
    /// Orleans' activity source for the product's grain calls. Orleans puts calls to interfaces whose namespace starts
    /// with "Orleans" in its runtime source, and "OrleansConsistency.…" does; other applications' calls are in
    /// <c>Microsoft.Orleans.Application</c>.
    /// </summary>
    private const string OrleansCallSource = "Microsoft.Orleans.Runtime";

    /// <summary>Orleans names a grain call's spans <c>{interface}/{method}</c>.</summary>
    private const string SubmitSpan = "IResourceGrain/Submit";

    [Fact]
    public async Task OneIntent_HasSpansForRequestGrainCommitAndEveryConsumer_InOneTraceWithTheCorrelationId()
    {
        var started = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or GrainsTelemetry.Name or OrleansCallSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = started.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        using var client = factory.CreateClient();
        var correlationId = "trace-" + ApiClient.NewId();
        var type = "traces";
        var id = ApiClient.NewId();
        using var request = ApiClient.Intent(type, id, ApiClient.NewId(), "{\"op\":\"set\",\"payload\":{\"traced\":true}}")
            .WithHeader("X-Correlation-Id", correlationId)
            .WithHeader("Prefer", "wait=10");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // Other tests run alongside: only this request's trace counts.
        var httpRequest = Assert.Single(started, a => a.Source.Name == "Microsoft.AspNetCore" && CorrelationIdOf(a) == correlationId);
        var spans = started.Where(a => a.TraceId == httpRequest.TraceId).ToList();
        var grainCall = Assert.Single(spans, a => a.Source.Name == OrleansCallSource && a.DisplayName == SubmitSpan && a.Kind == ActivityKind.Client);
        var grain = Assert.Single(spans, a => a.Source.Name == OrleansCallSource && a.DisplayName == SubmitSpan && a.Kind == ActivityKind.Server);
        var commit = Assert.Single(spans, a => a.Source.Name == GrainsTelemetry.Name && a.DisplayName == "commit");
        var consumer = Assert.Single(spans, a => a.Source.Name == GrainsTelemetry.Name && a.DisplayName == "consume read-model");

        Assert.All(new[] { grainCall, grain, commit, consumer }, span => Assert.Equal(httpRequest.TraceId, span.TraceId));
        Assert.Equal(httpRequest.SpanId, grainCall.ParentSpanId);
        Assert.Equal(grainCall.SpanId, grain.ParentSpanId);
        Assert.Equal(grain.SpanId, commit.ParentSpanId);
        Assert.Equal(grain.SpanId, consumer.ParentSpanId);
        Assert.All(new[] { grainCall, grain, commit, consumer }, span => Assert.True(CorrelationIdOf(span) == correlationId, $"{span.Source.Name} span '{span.DisplayName}' ({span.Kind}) is not tagged {CorrelationContext.Tag}={correlationId}"));
        Assert.Equal($"{type}/{id}", consumer.GetTagItem("oc.resource"));
        Assert.Equal(1L, consumer.GetTagItem("oc.version"));
        Assert.Equal(ActivityKind.Consumer, consumer.Kind);
    }

    private static string? CorrelationIdOf(Activity span) => span.GetTagItem(CorrelationContext.Tag) as string;
}
