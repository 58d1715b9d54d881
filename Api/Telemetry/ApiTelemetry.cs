using System.Diagnostics.Metrics;
using OrleansConsistency.Grains.Telemetry;
using OrleansConsistency.Storage.Telemetry;

namespace OrleansConsistency.Api.Telemetry;

/// <summary>
/// The API layer's <see cref="Meter"/>, named <see cref="Name"/>, and the list of every source and meter the product
/// has beyond those of the OpenTelemetry instrumentation packages (ASP.NET Core, HttpClient, Npgsql, .NET's runtime),
/// which add their own. Request spans are ASP.NET Core's; the correlation id is tagged on them (CorrelationIdMiddleware).
/// </summary>
internal static class ApiTelemetry
{
    /// <summary>The API meter's name.</summary>
    public const string Name = "OrleansConsistency.Api";

    /// <summary>The API's instruments.</summary>
    public static readonly Meter Meter = new(Name);

    /// <summary>Orleans' meter: activations per grain type, grain-call latency, messaging, storage operations.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>Orleans' activity sources: grain calls (client and server spans), activation life cycle, storage.</summary>
    public static readonly IReadOnlyList<string> OrleansSources =
        ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", "Microsoft.Orleans.Lifecycle", "Microsoft.Orleans.Storage"];

    /// <summary>Polly's meter: every retry, breaker transition, timeout and bulkhead refusal of the dependencies' and
    /// consumers' pipelines (<c>resilience_polly_*</c>, tagged with the pipeline's name).</summary>
    public const string PollyMeter = "Polly";

    /// <summary>The product's meters, one per layer, Orleans' and Polly's.</summary>
    public static readonly IReadOnlyList<string> MeterNames = [Name, GrainsTelemetry.Name, StorageTelemetry.Name, OrleansMeter, PollyMeter];

    /// <summary>The product's and Orleans' activity sources a trace of an intent is made of, beside the request's span.</summary>
    public static readonly IReadOnlyList<string> SourceNames = [GrainsTelemetry.Name, .. OrleansSources];
}
