using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Grains.Resources;
using OrleansConsistency.Grains.Serialization;
using OrleansConsistency.Storage;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Grains.Tests.Conflicts;

/// <summary>One cluster for the conflict tests, with one resource type per policy: reject-docs, merge-docs, lww-docs, manual-docs.</summary>
public sealed class ConflictCluster : IAsyncLifetime
{
    public static readonly IReadOnlyDictionary<string, string> TypeOfPolicy = new Dictionary<string, string>
    {
        ["reject"] = "reject-docs",
        ["merge"] = "merge-docs",
        ["last-writer-wins"] = "lww-docs",
        ["manual"] = "manual-docs",
    };

    public ProductCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Cluster = await ResourceCluster.StartAsync("sqlite", configure: builder => builder.ConfigureServices(services => services.Configure<ResourcesOptions>(options =>
        {
            foreach (var (policy, type) in TypeOfPolicy)
            {
                options.Types[type] = new ResourceTypeOptions { ConflictPolicy = policy };
            }
        })));

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>The resource's transition events, as stored.</summary>
    public async Task<IReadOnlyList<TransitionEvent>> EventsAsync(string type, string id)
    {
        var records = await Cluster.Primary.Services.GetRequiredService<IEventLog>().ReadStreamAsync($"resource/{type}", id, 1, 100_000);
        return records.Select(r => JsonSerializer.Deserialize(r.Payload, GrainsJsonContext.Default.TransitionEvent)!).ToList();
    }
}
