using OrleansConsistency.Api.Access;
using System.Text.Json;
using Orleans.Dashboard;
using Microsoft.Extensions.Options;
using OrleansConsistency.Api.Cluster;
using OrleansConsistency.Api.Operations.Trends;
using OrleansConsistency.Api.Serialization;
using OrleansConsistency.Api.Telemetry;
using OrleansConsistency.Grains.Dependencies;
using OrleansConsistency.Silo.Hosting;
using OrleansConsistency.Grains.Interfaces.Consumers;
using OrleansConsistency.Grains.Telemetry;

namespace OrleansConsistency.Api.Operations;

/// <summary>
/// What operators read: <c>GET /metrics</c> (Prometheus text), <c>GET /ops/summary</c> (the operator page's data),
/// Orleans' dashboard under <c>/dashboard/</c> (unless <c>Silo:Dashboard:Enabled</c> is false) and, only when <c>Api:FaultInjection</c> is true (the same switch as <c>/admin/faults</c>), switches that pause and
/// resume consumers.
/// </summary>
internal static class OperationsApi
{
    /// <summary>The configuration flag that turns the fault-injection switches on (off by default).</summary>
    public const string FaultInjectionSetting = "Api:FaultInjection";

    /// <summary>Where Orleans' dashboard is served, when it is on (<c>Silo:Dashboard:Enabled</c>).</summary>
    public const string DashboardPath = "/dashboard";

    /// <summary>The window the summary's percentiles cover.</summary>
    public static readonly TimeSpan PercentileWindow = TimeSpan.FromSeconds(60);

    public static IEndpointRouteBuilder MapOperationsApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // The OpenTelemetry Prometheus exporter over the meters of AddOpenTelemetryExport, behind a route handler (its
        // own MapPrometheusScrapingEndpoint maps a bare pipeline, which the OpenAPI document leaves out).
        var scrape = app.CreateApplicationBuilder().UseOpenTelemetryPrometheusScrapingEndpoint(_ => true).Build();
        Func<HttpContext, Task> metrics = context => scrape(context);
        app.MapGet("/metrics", metrics)
            .WithTags("Operations")
            .WithSummary("Metrics in the Prometheus text format")
            .Produces(StatusCodes.Status200OK, contentType: "text/plain")
            .RequireAuthorization(ApiPolicies.OperateCluster);

        app.MapGet("/ops/summary", Summary)
            .WithTags("Operations")
            .WithSummary("The operator page's data: totals, settle percentiles, 15 minutes of trends, consumers, dependencies, silos, recent failures")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .RequireAuthorization(ApiPolicies.OperateCluster);

        if (DashboardHostingExtensions.IsDashboardEnabled(app.ServiceProvider.GetRequiredService<IConfiguration>()))
        {
            // Orleans' own pages and their JSON; not part of this API's contract, so not in its OpenAPI document.
            app.MapOrleansDashboard(DashboardPath).ExcludeFromDescription().RequireAuthorization(ApiPolicies.OperateCluster);
        }

        var faults = app.MapGroup("/ops/faults/consumers/{name}").WithTags("Operations").RequireAuthorization(ApiPolicies.OperateCluster);

        // Mapped always, so that a call with fault injection off is told how to turn it on; described only when on.
        if (!FaultInjectionEnabled(app.ServiceProvider.GetRequiredService<IConfiguration>()))
        {
            faults.ExcludeFromDescription();
        }

        faults.MapPost("/pause", (string name, HttpContext context, IConsumerControl consumers, IConfiguration configuration) =>
                Switch(context, configuration, consumers, name, pause: true))
            .WithName("PauseConsumer")
            .WithSummary("Fault injection: stop this silo's consumer from taking work until resumed")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        faults.MapPost("/resume", (string name, HttpContext context, IConsumerControl consumers, IConfiguration configuration) =>
                Switch(context, configuration, consumers, name, pause: false))
            .WithName("ResumeConsumer")
            .WithSummary("Fault injection: let a paused consumer take work again")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static bool FaultInjectionEnabled(IConfiguration configuration) => configuration.GetValue<bool>(FaultInjectionSetting);

    private static IResult Switch(HttpContext context, IConfiguration configuration, IConsumerControl consumers, string name, bool pause)
    {
        if (!FaultInjectionEnabled(configuration))
        {
            return Problems.ApiProblems.Create(context, Problems.ProblemTypes.NotFound, $"Fault injection is off; set {FaultInjectionSetting}=true to use it.");
        }

        try
        {
            if (pause)
            {
                consumers.PauseConsumer(name);
            }
            else
            {
                consumers.ResumeConsumer(name);
            }
        }
        catch (KeyNotFoundException)
        {
            return Problems.ApiProblems.Create(context, Problems.ProblemTypes.ConsumerNotFound, $"No consumer named '{name}' runs here.", [new("consumer", name)]);
        }

        return Results.NoContent();
    }

    private static async Task Summary(
        HttpContext context,
        SummaryMeters metrics,
        TrendSampler trends,
        DependencyRegistry dependencies,
        IConsumerControl consumers,
        ClusterSilos silos,
        IConfiguration configuration,
        IOptions<ApiOptions> options,
        TimeProvider time)
    {
        var siloReport = await silos.ReadAsync().ConfigureAwait(false);
        var lags = SettlementInstruments.ReadLags();
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        // Over the body's pipe, so that serializing parts into it (JsonSerializer flushes the writer) does no synchronous I/O.
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("at", time.GetUtcNow());
        json.WriteStartObject("totals");
        json.WriteNumber("accepted", metrics.Total("oc.intents.accepted"));
        json.WriteNumber("refused", metrics.Total("oc.intents.refused"));
        json.WriteNumber("settled", metrics.Total("oc.intents.settled"));
        json.WriteNumber("replays", metrics.Total("oc.intents.replays"));
        json.WriteNumber("retries", metrics.Total("oc.dependency.retries"));
        json.WriteNumber("conflicts", metrics.Total("oc.conflicts"));
        json.WriteEndObject();
        WriteLatency(json, "settle", metrics.RecentQuantiles(SummaryMeters.SettleDuration, PercentileWindow, 0.5, 0.99));
        WriteLatency(json, "accept", metrics.RecentQuantiles(SummaryMeters.AcceptDuration, PercentileWindow, 0.5, 0.99));
        json.WriteNumber("windowSeconds", PercentileWindow.TotalSeconds);

        json.WriteStartArray("consumers");
        foreach (var consumer in consumers.Describe())
        {
            json.WriteStartObject();
            json.WriteString("name", consumer.Name);
            json.WriteBoolean("paused", consumer.Paused);
            json.WriteString("breaker", consumer.Breaker);
            json.WriteNumber("inFlight", consumer.InFlight);
            json.WriteNumber("backlog", consumer.Backlog);
            var lag = lags.GetValueOrDefault(consumer.Name);
            json.WriteNumber("lagVersions", lag.Versions);
            json.WriteNumber("lagSeconds", Math.Round(lag.Seconds, 3));
            json.WriteEndObject();
        }

        json.WriteEndArray();

        // One row per dependency, as /health/ready has it (breaker, slots, queue, refusals, faults); consumers' own
        // breakers are in their rows above, so nothing is listed twice.
        json.WritePropertyName("dependencies");
        JsonSerializer.Serialize(json, dependencies.Describe(), ApiJsonContext.Default.IReadOnlyListDependencyState);

        json.WriteStartObject("trends");
        json.WriteNumber("intervalSeconds", options.Value.TrendInterval.TotalSeconds);
        json.WriteNumber("windowSeconds", TrendSampler.Window.TotalSeconds);
        json.WritePropertyName("points");
        JsonSerializer.Serialize(json, trends.Points(), ApiJsonContext.Default.IReadOnlyListTrendPoint);
        json.WriteEndObject();

        json.WriteStartArray("failures");
        foreach (var failure in FailureLog.Read(25))
        {
            json.WriteStartObject();
            json.WriteString("at", failure.At);
            json.WriteString("source", failure.Source);
            json.WriteString("resource", failure.Resource);
            json.WriteString("code", failure.Code);
            json.WriteString("reason", failure.Reason);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        WriteSilos(json, siloReport);
        if (DashboardHostingExtensions.IsDashboardEnabled(configuration))
        {
            json.WriteString("dashboard", DashboardPath + "/");
        }
        else
        {
            json.WriteNull("dashboard");
        }

        json.WriteBoolean("faultInjection", FaultInjectionEnabled(configuration));
        json.WriteEndObject();
    }

    // The same fields as the silos part of /health/ready.
    private static void WriteSilos(Utf8JsonWriter json, SiloReport report)
    {
        json.WriteStartObject("silos");
        json.WriteNumber("active", report.Active);
        json.WriteStartArray("members");
        foreach (var member in report.Members)
        {
            json.WriteStartObject();
            json.WriteString("name", member.Name);
            json.WriteString("address", member.Address);
            json.WriteString("hostName", member.HostName);
            json.WriteString("status", member.Status);
            WriteTime(json, "startedAt", member.StartedAt);
            WriteTime(json, "lastIAmAlive", member.LastIAmAlive);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteNumber("deadNotListed", report.DeadNotListed);
        json.WriteString("error", report.Error);
        json.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter json, string name, DateTimeOffset? time)
    {
        if (time is { } value)
        {
            json.WriteString(name, value);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteLatency(Utf8JsonWriter json, string name, (int Count, double[] Quantiles) recent)
    {
        json.WriteStartObject(name);
        json.WriteNumber("count", recent.Count);
        if (recent.Count > 0)
        {
            json.WriteNumber("p50", Math.Round(recent.Quantiles[0], 6));
            json.WriteNumber("p99", Math.Round(recent.Quantiles[1], 6));
        }
        else
        {
            json.WriteNull("p50");
            json.WriteNull("p99");
        }

        json.WriteEndObject();
    }
}
