using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Grains.Interfaces.Streams;
using OrleansConsistency.Silo.Hosting;
using OrleansConsistency.StreamSubscriber;

// Joins the running product as an Orleans client and prints one JSON line per transition of one resource on
// standard output: every version after --from-version exactly once and in order (read back from the log), then live
// ones as they commit, until stopped with Ctrl+C. Errors are one line on standard error with a non-zero exit code.
var (arguments, error) = SubscriberArguments.Parse(args);
if (arguments is null)
{
    await Console.Error.WriteLineAsync(error);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
// Standard output is for transitions only: the log goes to standard error, and only what needs attention.
builder.Logging.AddSimpleConsole(o => o.SingleLine = true)
    .AddFilter("Microsoft.Extensions.Hosting", LogLevel.None)
    .SetMinimumLevel(LogLevel.Warning);
builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
builder.UseOrleansClient(client =>
{
    client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (arguments.ClusterId, arguments.ServiceId));
    client.UseStaticClustering(new IPEndPoint(Dns.GetHostAddresses(arguments.GatewayHost)[0], arguments.GatewayPort));
    client.AddProductClient();
});
using var host = builder.Build();

try
{
    using var connecting = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
    connecting.CancelAfter(TimeSpan.FromSeconds(15));
    await host.StartAsync(connecting.Token);
}
catch (Exception exception) when (exception is not OperationCanceledException || !stop.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync($"Cannot reach the cluster at {arguments.GatewayHost}:{arguments.GatewayPort} (cluster '{arguments.ClusterId}'): {exception.Message} Is the product running (dotnet run --project Api)?");
    return 3;
}

var cluster = host.Services.GetRequiredService<IClusterClient>();
try
{
    var after = arguments.FromVersion ?? (await cluster.GetGrain<IResourceGrain>(arguments.Resource.GrainKey).GetSnapshot()).Version;
    var output = Console.Out;
    await using var follower = await ResourceStreamFollower.StartAsync(
        cluster.GetStreamProvider(ResourceStreams.ProviderName),
        new GrainResourceHistory(cluster),
        arguments.Resource,
        after,
        async transition =>
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(transition, JsonSerializerOptions.Web));
            await output.FlushAsync();
        },
        host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("StreamSubscriber"),
        stop.Token);
    await Console.Error.WriteLineAsync($"Following {arguments.Resource} after version {after}; Ctrl+C to stop.");
    await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
}
catch (ResumePointTooOldException exception)
{
    await Console.Error.WriteLineAsync(exception.Message);
    return 4;
}
catch (Exception exception) when (exception is not OperationCanceledException)
{
    await Console.Error.WriteLineAsync($"Following {arguments.Resource} failed: {exception.Message}");
    return 1;
}
finally
{
    await host.StopAsync(CancellationToken.None);
}

return 0;
