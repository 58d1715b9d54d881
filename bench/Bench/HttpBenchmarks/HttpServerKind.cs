namespace OrleansConsistency.Bench.HttpBenchmarks;

/// <summary>One server the http suite measures: a configuration of the API, or the plain baseline.</summary>
/// <param name="Name">The name in the table.</param>
/// <param name="Option">Its name in <c>--api</c>, or <c>plain</c>.</param>
/// <param name="Note">How it is configured, for the notes under the table.</param>
internal sealed record HttpServerKind(string Name, string Option, string Note)
{
    /// <summary>The API with its shipped appsettings.json.</summary>
    public static readonly HttpServerKind ApiDefault = new(
        "API, shipped config", "default", "the API with its shipped `appsettings.json` (`--contentRoot` = a copy of `Api/appsettings.json`)");

    /// <summary>The API with no required consumers and every configured consumer disabled.</summary>
    public static readonly HttpServerKind ApiBare = new(
        "API, no consumers", "bare",
        "the same file with every `RequiredConsumers` list removed and every `Consumers:{name}:Enabled` set to false, as the content root of the API " +
        "(environment variables cannot empty a list: `RequiredConsumers__0=` binds a consumer named \"\")");

    /// <summary>The API with the read-model consumer configured and required for settlement.</summary>
    public static readonly HttpServerKind ApiReadModel = new(
        "API, read-model required", "read-model",
        "the no-consumers file plus `Consumers__read-model__Kind=read-model` and `Resources__Defaults__RequiredConsumers__0=read-model` (adding to a list does work from the environment)");

    /// <summary>The no-consumers API without Orleans' dashboard (on by default), to measure what the dashboard costs.</summary>
    public static readonly HttpServerKind ApiBareNoDashboard = new(
        "API, no consumers, no dashboard", "bare-no-dashboard", "the no-consumers file plus `Silo__Dashboard__Enabled=false`");

    /// <summary>The no-consumers API with the dashboard's call profiling on, as while someone has the dashboard open.</summary>
    public static readonly HttpServerKind ApiBareDashboardWatched = new(
        "API, no consumers, dashboard watched", "bare-dashboard-watched",
        "the no-consumers file plus `Silo__Dashboard__Profiler__TraceAlways=true`: Orleans' dashboard times every grain call, as it does for a minute after each look at the dashboard");

    /// <summary>The hand-written baseline.</summary>
    public static readonly HttpServerKind Plain = new(
        "plain, 1 tx/request", "plain",
        "`POST /plain/{type}/{id}/intents` served by the bench itself (`plain-server`, `WebApplication.CreateSlimBuilder`, server GC like the API), " +
        "one transaction per request: read the resource's version and document, look up the Idempotency-Key (replay if found), check `expectedVersion`, " +
        "write the resource at version + 1 (`UPDATE ... WHERE version = @old`, or `INSERT`), insert the intent and the event rows, commit. " +
        "SQLite: `BEGIN IMMEDIATE` behind an in-process async writer lock (SQLite has one writer; without it requests sleep in `busy_timeout`); " +
        "PostgreSQL: `BEGIN` + `SELECT ... FOR UPDATE`, on a pool of at most 100 connections (Npgsql's default)");

    /// <summary>The API configurations <c>--api</c> may name.</summary>
    public static IReadOnlyList<HttpServerKind> ApiKinds { get; } = [ApiDefault, ApiBare, ApiReadModel, ApiBareNoDashboard, ApiBareDashboardWatched];

    /// <summary>True for a configuration of the API.</summary>
    public bool IsApi => !ReferenceEquals(this, Plain);
}
