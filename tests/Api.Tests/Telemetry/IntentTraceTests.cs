using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using OrleansConsistency.Grains.Telemetry;
using OrleansConsistency.Storage.Telemetry;

namespace OrleansConsistency.Api.Tests.Telemetry;

/// <summary>
/// One intent is one trace: the HTTP request, the grain call, the commit and every required consumer, all in the same
/// trace and all tagged with the request's correlation id (the consumer joins through the traceparent in the event).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class IntentTraceTests(ApiFactory factory)
{
    [Fact]
    public async Task OneIntent_HasSpansForRequestGrainCommitAndEveryConsumer_InOneTraceWithTheCorrelationId()
    {
        var started = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or GrainsTelemetry.Name or RuntimeTelemetry.Name,
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

        // Other tests run alongside: only this request's spans count.
        var spans = started.Where(a => (a.GetTagItem(RuntimeTelemetry.CorrelationIdTag) as string) == correlationId).ToList();
        var httpRequest = Assert.Single(spans, a => a.Source.Name == "Microsoft.AspNetCore");
        var grain = Assert.Single(spans, a => a.Source.Name == RuntimeTelemetry.Name && a.DisplayName == "grain IResourceGrain.Submit");
        var commit = Assert.Single(spans, a => a.Source.Name == GrainsTelemetry.Name && a.DisplayName == "commit");
        var consumer = Assert.Single(spans, a => a.Source.Name == GrainsTelemetry.Name && a.DisplayName == "consume read-model");

        var trace = httpRequest.TraceId;
        Assert.All(new[] { grain, commit, consumer }, span => Assert.Equal(trace, span.TraceId));
        Assert.Equal(httpRequest.SpanId, grain.ParentSpanId);
        Assert.Equal(grain.SpanId, commit.ParentSpanId);
        Assert.Equal(grain.SpanId, consumer.ParentSpanId);
        Assert.Equal($"{type}/{id}", consumer.GetTagItem("oc.resource"));
        Assert.Equal(1L, consumer.GetTagItem("oc.version"));
        Assert.Equal(ActivityKind.Consumer, consumer.Kind);
    }
}
