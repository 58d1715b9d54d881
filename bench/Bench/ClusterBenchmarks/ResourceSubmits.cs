using System.Text.Json;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;

namespace OrleansConsistency.Bench.ClusterBenchmarks;

/// <summary>
/// The cluster suite's load: closed-loop clients that each submit increment intents through
/// <c>IResourceGrain.Submit</c>, walking over the resources from an offset of their own, every intent with a new
/// idempotency key. It counts accepted intents itself, so that CPU read at any two moments can be divided by exactly
/// the intents accepted between them.
/// </summary>
internal sealed class ResourceSubmits
{
    private static readonly JsonElement Payload = JsonDocument.Parse("""{"n":1}""").RootElement.Clone();

    private readonly IGrainFactory _grains;
    private readonly string _prefix;
    private readonly int _resources;
    private readonly long[] _sequence;
    private long _accepted;
    private long _failed;

    /// <param name="grains">Where the calls start (the cluster's client).</param>
    /// <param name="prefix">Makes the idempotency keys of this load unique among the cluster's loads.</param>
    /// <param name="resources">How many resources the clients spread over.</param>
    /// <param name="clients">How many clients run.</param>
    public ResourceSubmits(IGrainFactory grains, string prefix, int resources, int clients)
    {
        _grains = grains;
        _prefix = prefix;
        _resources = resources;
        _sequence = new long[clients];
    }

    /// <summary>Intents accepted so far.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Submits that failed so far (only counted by <see cref="SubmitToleratingFailuresAsync"/>).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>The resource of resource number <paramref name="index"/>.</summary>
    public static IResourceGrain Resource(IGrainFactory grains, string type, int index) =>
        grains.GetGrain<IResourceGrain>($"{type}/r{index}");

    /// <summary>A new increment intent with key <paramref name="key"/>.</summary>
    public static Intent Increment(string key) => new(key, IntentOperation.Increment, Payload);

    /// <summary>One intent on each of the first <paramref name="resources"/> resources, 32 at a time: their grains are active afterwards.</summary>
    public static Task ActivateAsync(IGrainFactory grains, int resources) =>
        Parallel.ForEachAsync(Enumerable.Range(0, resources), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (r, _) =>
            await Resource(grains, "bench", r).Submit(Increment($"activate-{r}")));

    /// <summary>One submit of client <paramref name="client"/>; a failure ends the closed loop with it.</summary>
    public async Task SubmitAsync(int client)
    {
        var n = _sequence[client]++;
        await Resource(_grains, "bench", (int)((client * 7919 + n) % _resources)).Submit(Increment($"{_prefix}-c{client}-{n}"));
        Interlocked.Increment(ref _accepted);
    }

    /// <summary>As <see cref="SubmitAsync"/>, but a failure is counted and the client pauses 100 ms instead (a soak keeps going).</summary>
    public async Task SubmitToleratingFailuresAsync(int client)
    {
        try
        {
            await SubmitAsync(client);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Interlocked.Increment(ref _failed);
            await Task.Delay(100);
        }
    }
}
