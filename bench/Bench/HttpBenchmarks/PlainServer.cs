using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansConsistency.Bench.Harness;

namespace OrleansConsistency.Bench.HttpBenchmarks;

/// <summary>
/// The http suite's baseline, run as a child process (<c>plain-server --db sqlite|postgresql --connection ...</c>):
/// <c>POST /plain/{type}/{id}/intents</c> the way a careful hand-written service does it, one database transaction
/// per request with an idempotency-key table and a version check. No grains, no batching.
/// </summary>
public static class PlainServer
{
    private static readonly Option<string> Connection = BenchOptions.Text("connection", "", "The database's connection string.");

    private static readonly Option<string> Db = BenchOptions.Text("db", "sqlite", "sqlite or postgresql.");

    /// <summary>The options the suite reads, for its command.</summary>
    public static IReadOnlyList<Option> Options { get; } = [Connection, Db];

    /// <summary>The hidden suite's name; it prints no report, only the address it listens on.</summary>
    public const string SuiteName = "plain-server";

    /// <summary>Serves until the process is killed.</summary>
    public static async Task RunAsync(ParseResult arguments, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        var connectionString = arguments.GetValue(Connection)!;
        await using IPlainStore store = arguments.GetValue(Db)!.ToLowerInvariant() switch
        {
            "sqlite" => new PlainSqliteStore(connectionString),
            "postgresql" or "postgres" => new PlainPostgresStore(connectionString),
            var other => throw new ArgumentException($"--db must be sqlite or postgresql; it is '{other}'.", nameof(arguments)),
        };
        await store.CreateTablesAsync();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapPost("/plain/{type}/{id}/intents", (string type, string id, HttpRequest request, CancellationToken cancellationToken) =>
            SubmitAsync(store, type, id, request, cancellationToken));

        await app.StartAsync();
        foreach (var address in app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses)
        {
            // The line ChildServer waits for, worded as ASP.NET Core's own.
            await output.WriteLineAsync($"Now listening on: {address}");
        }

        await output.WriteLineAsync($"Storage: {await store.DescribeAsync()}");
        await output.FlushAsync();
        await app.WaitForShutdownAsync();
    }

    private static async Task<IResult> SubmitAsync(IPlainStore store, string type, string id, HttpRequest request, CancellationToken cancellationToken)
    {
        var key = request.Headers["Idempotency-Key"].ToString();
        if (key.Length == 0)
        {
            return Answer(new PlainAnswer(400, """{"code":"missing-idempotency-key"}"""));
        }

        JsonObject body;
        try
        {
            body = (await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken))?.AsObject()
                ?? throw new JsonException("The body is null.");
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            return Answer(new PlainAnswer(400, """{"code":"bad-json"}"""));
        }

        // Only what the benchmark sends: an increment, with or without an expected version.
        if (body["op"]?.GetValue<string>() != "increment" || body["payload"] is not JsonObject increment)
        {
            return Answer(new PlainAnswer(422, """{"code":"unsupported-op"}"""));
        }

        var expectedVersion = body["expectedVersion"]?.GetValue<long>();
        return Answer(await store.SubmitAsync(type, id, key, expectedVersion, (JsonObject)increment.DeepClone(), cancellationToken));
    }

    private static IResult Answer(PlainAnswer answer) => Results.Text(answer.Body, "application/json", Encoding.UTF8, answer.StatusCode);
}
