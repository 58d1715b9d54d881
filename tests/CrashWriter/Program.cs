using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansConsistency.CrashWriter;
using OrleansConsistency.Silo.Hosting;
using OrleansConsistency.Storage;
using OrleansConsistency.TestGrains;

// A real Orleans silo (the product's AddSilo: localhost clustering, the project's grain storage) under write load,
// meant to be killed with SIGKILL. Storage and ports come from the usual configuration, e.g. Silo__Storage__Provider,
// Silo__Storage__ConnectionString, Silo__SiloPort and Silo__GatewayPort in the environment or --Silo:SiloPort=… as
// arguments; the test passes free ports, so that runs side by side never fight over Orleans' defaults. stdout carries only:
//   READY                               once the silo serves calls
//   ACK <key> <value>                   after ICounterGrain.Add(1) on grain <key> returned <value>, i.e. committed
//   STATS <transactions> <writes> <max> every 200 ms, from StorageProvider.Statistics
// Logs go to stderr.
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
builder.AddSilo();
var writers = builder.Configuration.GetValue("CrashWriter:Writers", 64);

// A bound on the run, so that a writer whose test runner died cannot write forever.
var maxRun = TimeSpan.FromSeconds(builder.Configuration.GetValue("CrashWriter:MaxSeconds", 120));

using var host = builder.Build();
await host.StartAsync();
var grains = host.Services.GetRequiredService<IGrainFactory>();
var statistics = host.Services.GetRequiredService<StorageProvider>().Statistics;
var printer = new LinePrinter();
printer.Post("READY");

using var stop = new CancellationTokenSource(maxRun);
var stats = Task.Run(async () =>
{
    using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
    while (await timer.WaitForNextTickAsync(stop.Token))
    {
        printer.Post($"STATS {statistics.Transactions} {statistics.Writes} {statistics.MaxWritesInOneTransaction}");
    }
});

var load = Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
{
    var key = $"counter-{i}";
    var counter = grains.GetGrain<ICounterGrain>(key);
    while (!stop.IsCancellationRequested)
    {
        try
        {
            var value = await counter.Add(1);
            printer.Post($"ACK {key} {value}");
        }
#pragma warning disable CA1031 // A failed write is reported and retried; the run is about the writes that succeeded.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            await Console.Error.WriteLineAsync($"Write to {key} failed: {exception.GetType().Name}: {exception.Message}");
        }
    }
})).ToArray();

// Normally SIGKILL ends the process long before this; a broken stdout (the reader died) ends it too.
await Task.WhenAny(Task.WhenAll(load), printer.Completion);
await stop.CancelAsync();
await Task.WhenAll(load);
try
{
    await stats;
}
catch (OperationCanceledException)
{
}

await host.StopAsync();
return printer.Completion.IsFaulted ? 3 : 0;
