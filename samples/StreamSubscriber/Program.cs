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

IPAddress gateway;
try
{
    gateway = (await Dns.GetHostAddressesAsync(arguments.GatewayHost, stop.Token))[0];
}
catch (Exception exception) when (exception is System.Net.Sockets.SocketException or IndexOutOfRangeException)
{
    await Console.Error.WriteLineAsync($"Cannot reach the cluster at {arguments.GatewayHost}:{arguments.GatewayPort}: the host name does not resolve ({exception.Message}).");
    return 3;
}

// No default configuration: an appsettings.json beside the program (the Silo's lands in this output folder) must not
// turn the log up; the command line is the whole configuration.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, DisableDefaults = true });
// Standard output is for transitions only: the log goes to standard error, and only what needs attention. Orleans'
// warnings while the gateway is unreachable (one per connection attempt, with a stack trace) are left out: the one
// line below says it.
builder.Logging.AddSimpleConsole(o => o.SingleLine = true)
    .AddFilter("Microsoft.Extensions.Hosting", LogLevel.None)
    .AddFilter("Orleans", LogLevel.Error)
    .SetMinimumLevel(LogLevel.Warning);
builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
var connection = new ClusterConnectionWatch();
builder.Services.AddSingleton<IClusterConnectionStatusObserver>(connection);
builder.UseOrleansClient(client =>
{
    client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (arguments.ClusterId, arguments.ServiceId));
    client.UseStaticClustering(new IPEndPoint(gateway, arguments.GatewayPort));
    client.AddProductClient();
});
using var host = builder.Build();

using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(stop.Token))
{
    connecting.CancelAfter(arguments.ConnectTimeout);
    try
    {
        await host.StartAsync(connecting.Token);
    }
    catch (Exception exception) when (exception is not OperationCanceledException || !stop.IsCancellationRequested)
    {
        // Orleans keeps retrying the gateway until the timeout cancels it: say so rather than "a task was canceled".
        var why = connecting.IsCancellationRequested ? $"no gateway answered within {arguments.ConnectTimeout.TotalSeconds:0} s." : exception.Message;
        await Console.Error.WriteLineAsync($"Cannot reach the cluster at {arguments.GatewayHost}:{arguments.GatewayPort} (cluster '{arguments.ClusterId}'): {why} Is the product running (dotnet run --project Api)?");
        return 3;
    }
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
    await Task.WhenAny(connection.Lost, Task.Delay(Timeout.Infinite, stop.Token));
    if (connection.Lost.IsCompleted && !stop.IsCancellationRequested)
    {
        await Console.Error.WriteLineAsync($"Lost the connection to the cluster at {arguments.GatewayHost}:{arguments.GatewayPort} after version {follower.LastDelivered}; run again with --from-version {follower.LastDelivered} to continue.");
        return 3;
    }
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
