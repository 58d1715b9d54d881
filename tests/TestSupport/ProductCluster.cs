using System.Collections.Concurrent;
using Orleans.TestingHost;
using OrleansConsistency.Silo.Hosting;
using OrleansConsistency.Storage;

namespace OrleansConsistency.TestSupport;

/// <summary>
/// In-process Orleans silos (Orleans' <see cref="InProcessTestCluster"/>) over one shared storage, configured as the
/// product configures its silos: start them, stop, kill or restart any of them, and call grains through the cluster's
/// client. Build one with <see cref="ProductClusterBuilder"/>.
/// </summary>
public sealed class ProductCluster : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, SiloOverride> _siloOverrides = new(StringComparer.Ordinal);
    private SiloOverride? _nextSiloOverride;
    private InProcessTestCluster? _orleans;

    internal ProductCluster(string dataDirectory, StorageFaultInjector storageFaults)
    {
        DataDirectory = dataDirectory;
        StorageFaults = storageFaults;
    }

    /// <summary>Orleans' test cluster underneath.</summary>
    public InProcessTestCluster Orleans => _orleans ?? throw new InvalidOperationException("The cluster is not built.");

    /// <summary>A directory private to this cluster (its SQLite file lives here); deleted on dispose.</summary>
    public string DataDirectory { get; }

    /// <summary>Faults injected into every silo's storage: failed writes, latency, commits whose answer is lost.</summary>
    public StorageFaultInjector StorageFaults { get; }

    /// <summary>The silos that are running, oldest first.</summary>
    public IReadOnlyList<ProductSilo> Silos => [.. Orleans.Silos.Where(s => s.IsActive).Select(s => new ProductSilo(s))];

    /// <summary>The oldest running silo.</summary>
    public ProductSilo Primary => Silos.Count > 0 ? Silos[0] : throw new InvalidOperationException("No silo is running.");

    /// <summary>The cluster's Orleans client (an external client over the test transport).</summary>
    public IClusterClient Client => Orleans.Client;

    /// <summary>References whose calls go through the cluster's client.</summary>
    public IGrainFactory GrainFactory => Orleans.Client;

    /// <summary>Starts the initial silos and the client.</summary>
    public async Task DeployAsync()
    {
        Directory.CreateDirectory(DataDirectory);
        await Orleans.DeployAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Starts one more silo; <paramref name="configure"/> changes only its options (e.g. its own connection string), and
    /// <paramref name="peerLinks"/> routes its connections to the other silos through proxies a test can cut (only in a
    /// cluster built with <see cref="ProductClusterBuilder.UseTcpAndPostgresMembership"/>), and
    /// <paramref name="configureSilo"/> configures its Orleans silo last (e.g. its own <c>ClusterMembershipOptions</c>).
    /// </summary>
    public async Task<ProductSilo> StartAdditionalSiloAsync(
        Action<SiloHostOptions>? configure = null,
        PeerLinks? peerLinks = null,
        Action<ISiloBuilder>? configureSilo = null)
    {
        // Orleans configures the new silo inside this call; the override is taken by that silo alone.
        _nextSiloOverride = new SiloOverride(configure, peerLinks, configureSilo);
        var handle = await Orleans.StartAdditionalSiloAsync().ConfigureAwait(false);
        return new ProductSilo(handle);
    }

    /// <summary>Stops a silo gracefully: its grains are deactivated and it leaves the cluster.</summary>
    public Task StopSiloAsync(ProductSilo silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        return Orleans.StopSiloAsync(silo.Handle);
    }

    /// <summary>Kills a silo: it stops without deactivating anything or saying goodbye, as a crashed process.</summary>
    public Task KillSiloAsync(ProductSilo silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        return Orleans.KillSiloAsync(silo.Handle);
    }

    /// <summary>
    /// Stops a silo and starts a new one with the same settings over the same storage, and returns once the cluster's
    /// client reaches the cluster again (with one silo, the client loses its only gateway meanwhile).
    /// </summary>
    public async Task<ProductSilo> RestartSiloAsync(ProductSilo silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var handle = await Orleans.RestartSiloAsync(silo.Handle).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Silo {silo.Name} did not restart.");
        var management = Client.GetGrain<IManagementGrain>(0);
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                await management.GetHosts(onlyActive: true).ConfigureAwait(false);
                return new ProductSilo(handle);
            }
            catch (Exception ex) when (ex is ConnectionFailedException or OrleansMessageRejectionException && !patience.IsCancellationRequested)
            {
                await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Stops every silo and deletes the cluster's directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_orleans is { } orleans)
        {
            await orleans.StopAllSilosAsync().ConfigureAwait(false);
            await orleans.DisposeAsync().ConfigureAwait(false);
        }

        TryDeleteDataDirectory();
    }

    internal void Attach(InProcessTestCluster orleans) => _orleans = orleans;

    /// <summary>The extra settings of a silo by name: given when it was first started, kept for its restarts.</summary>
    internal SiloOverride? TakeSiloOverride(string siloName)
    {
        if (Interlocked.Exchange(ref _nextSiloOverride, null) is { } next)
        {
            _siloOverrides[siloName] = next;
        }

        return _siloOverrides.TryGetValue(siloName, out var configure) ? configure : null;
    }

    private void TryDeleteDataDirectory()
    {
        try
        {
            if (Directory.Exists(DataDirectory))
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A file still held open by a pooled connection is left for the OS temp cleaner; it is never reused.
        }
    }

    /// <summary>What one silo has of its own.</summary>
    internal sealed record SiloOverride(Action<SiloHostOptions>? Options, PeerLinks? PeerLinks, Action<ISiloBuilder>? Silo);
}
