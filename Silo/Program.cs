using Microsoft.Extensions.Hosting;
using OrleansConsistency.Silo.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.AddSilo();
await builder.Build().RunAsync().ConfigureAwait(false);
