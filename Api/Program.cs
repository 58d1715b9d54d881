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
using OrleansConsistency.Api.Operations.Trends;
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
    .ValidateOnStart();
builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ApiOptions>, ApiOptionsValidator>();

builder.Services.ConfigureHttpJsonOptions(options =>
{
    options.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);

    // As in ApiJsonContext: the OpenAPI schemas are derived from these options, and versions are integers.
    options.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
});
builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = ApiProblems.Customize);
builder.Services.AddSingleton<IProblemDetailsWriter, ProblemJsonWriter>();
builder.Services.AddOpenApi(ApiOpenApi.Configure);
builder.Services.AddReadinessChecks(builder.Configuration);
builder.Services.AddLoadShedding();
builder.Services.AddApiAccess(builder.Configuration);
builder.Services.AddSingleton<ClusterSilos>();
builder.Services.AddSingleton<EventStreamSlots>();
builder.Services.AddSingleton<CallerLimiter>();
builder.Services.AddHostedService<PageAddresses>();

// The OpenTelemetry SDK serves /metrics; /ops reads its few numbers itself. OTLP export starts only when
// OTEL_EXPORTER_OTLP_* is set.
builder.Services.AddSingleton<SummaryMeters>();
builder.Services.AddSingleton<TrendSampler>();
builder.Services.AddHostedService(services => services.GetRequiredService<TrendSampler>());
builder.Services.AddOpenTelemetryExport(builder.Configuration);

var app = builder.Build();

// Created now, not at the first look at /ops, so that its totals count from start-up.
app.Services.GetRequiredService<SummaryMeters>();

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
app.MapApiReferencePage();

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
