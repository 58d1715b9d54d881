using OrleansConsistency.Api;
using OrleansConsistency.Api.Access;
using OrleansConsistency.Api.Conflicts;
using OrleansConsistency.Api.Admin;
using OrleansConsistency.Api.Cluster;
using OrleansConsistency.Api.Consumers;
using OrleansConsistency.Api.Correlation;
using OrleansConsistency.Api.Events;
using OrleansConsistency.Api.Health;
using OrleansConsistency.Api.Intents;
using OrleansConsistency.Api.Limits;
using OrleansConsistency.Api.LoadShedding;
using OrleansConsistency.Api.OpenApi;
using OrleansConsistency.Api.Operations;
using OrleansConsistency.Api.Pages;
using OrleansConsistency.Api.Problems;
using OrleansConsistency.Api.Resources;
using OrleansConsistency.Api.Serialization;
using OrleansConsistency.Api.Telemetry;
using OrleansConsistency.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);

// The API co-hosts a silo (SQLite under ./data unless the Silo section says otherwise), so one process serves all.
builder.AddSilo();

// Orleans' dashboard at /dashboard: a co-hosted silo brings it (AddProductSilo); a pure client asks the silos for it.
builder.AddProductDashboardClient();

builder.Services.AddOptions<ApiOptions>()
    .Bind(builder.Configuration.GetSection(ApiOptions.SectionName))
    .Validate(o => o.MaxBodyBytes > 0, "Api:MaxBodyBytes must be positive.")
    .Validate(o => o.GrainCallTimeout >= TimeSpan.Zero, "Api:GrainCallTimeout must not be negative.")
    .Validate(o => o.RetryAfterSeconds > 0, "Api:RetryAfterSeconds must be positive.")
    .Validate(o => o.ReadYourWritesWait >= TimeSpan.Zero, "Api:ReadYourWritesWait must not be negative.")
    .Validate(o => o.MaxPreferWait >= TimeSpan.FromSeconds(1), "Api:MaxPreferWait must be at least one second.")
    .Validate(o => o.EventsHeartbeat > TimeSpan.Zero, "Api:EventsHeartbeat must be positive.")
    .Validate(o => o.EventsBufferSize > 0, "Api:EventsBufferSize must be positive.")
    .Validate(o => o.MaxOpenEventStreams > 0, "Api:MaxOpenEventStreams must be positive.")
    .Validate(o => o.MaxRequestTimeout >= TimeSpan.FromMilliseconds(1), "Api:MaxRequestTimeout must be at least 1 ms.")
    .Validate(o => o.RequestTimeouts.Values.All(t => t >= TimeSpan.Zero), "Api:RequestTimeouts must not be negative.")
    .Validate(o => o.DeadlineReserve >= TimeSpan.Zero, "Api:DeadlineReserve must not be negative.")
    .Validate(o => o.LoadShedding.MaxConcurrentRequests > 0, "Api:LoadShedding:MaxConcurrentRequests must be positive.")
    .Validate(o => o.LoadShedding.QueueLimit >= 0, "Api:LoadShedding:QueueLimit must not be negative.")
    .Validate(o => o.LoadShedding.RetryAfterSeconds > 0, "Api:LoadShedding:RetryAfterSeconds must be positive.")
    .Validate(o => o.Limits.Problem() is null, "Api:Limits: every limit must be positive (see the README's settings).")
    .ValidateAccess()
    .ValidateOnStart();

builder.Services.ConfigureHttpJsonOptions(options =>
{
    options.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);

    // As in ApiJsonContext: the OpenAPI schemas are derived from these options, and versions are integers.
    options.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
});
builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = ApiProblems.Customize);
builder.Services.AddSingleton<IProblemDetailsWriter, ProblemJsonWriter>();
builder.Services.AddOpenApi(ApiOpenApi.Configure);
builder.Services.AddHealthChecks();
builder.Services.AddLoadShedding();
builder.Services.AddApiAccess(builder.Configuration);
builder.Services.AddSingleton<ClusterSilos>();
builder.Services.AddSingleton<EventStreamSlots>();
builder.Services.AddSingleton<CallerLimiter>();
builder.Services.AddHostedService<PageAddresses>();

// Metrics for /metrics and /ops are aggregated in-process; OTLP export starts only when OTEL_EXPORTER_OTLP_* is set.
builder.Services.AddSingleton<MetricsCollector>();
builder.Services.AddOpenTelemetryExport(builder.Configuration);

var app = builder.Build();

// Created now, not at the first scrape, so that /metrics counts from start-up.
app.Services.GetRequiredService<MetricsCollector>();

// First, so that every answer, even a 500 from the exception handler below, carries the correlation id.
app.UseMiddleware<CorrelationIdMiddleware>();
app.UseExceptionHandler();
app.UseStatusCodePages();

// After the exception handler and correlation ids, so a shed request still gets a well-formed problem.
app.UseRateLimiter();

// Who is calling, then whether they may: every endpoint names a policy (ApiPolicies), and one that forgets falls back
// to needing credentials. Refusals are problems (AccessProblemsHandler) and come before the endpoint runs.
app.UseAuthentication();
app.UseAuthorization();

// Each tenant and each key within its own rate, so one cannot starve the others (the load shedding above is for the process).
app.UseMiddleware<CallerLimitMiddleware>();

app.MapOpenApi().AllowAnonymous();

app.MapHealthApi();
if (app.Configuration.GetValue<bool>("Api:FaultInjection"))
{
    app.MapFaultInjectionApi();
}

app.MapIntentsApi();
app.MapResourcesApi();
app.MapResourceEventsApi();
app.MapConsumersApi();
app.MapConflictsApi();
app.MapKeysApi();
app.MapOperationsApi();
app.MapPerceivedTelemetryApi();
app.MapPages();

await app.RunAsync().ConfigureAwait(false);

/// <summary>The API's entry point, public so that tests can host it with WebApplicationFactory.</summary>
public partial class Program;
