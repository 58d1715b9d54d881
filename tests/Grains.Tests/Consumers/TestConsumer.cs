using System.Collections.Concurrent;
using OrleansConsistency.Grains.Interfaces.Consumers;
using OrleansConsistency.Grains.Interfaces.Resources;

namespace OrleansConsistency.Grains.Tests.Consumers;

/// <summary>
/// An in-process consumer whose failures a test controls: down (every attempt throws), poison for chosen versions,
/// or healthy. It records every successful delivery, so tests can check nothing was lost or handled twice.
/// </summary>
internal sealed class TestConsumer(string name) : IResourceConsumer
{
    private readonly ConcurrentDictionary<(string Resource, long Version), int> _handled = new();
    private readonly ConcurrentDictionary<(string Resource, long Version), byte> _poison = new();
    private readonly ConcurrentQueue<(string Resource, long Version)> _order = new();

    public string Name => name;

    public volatile bool Down;

    public IReadOnlyDictionary<(string Resource, long Version), int> Handled => _handled;

    public IEnumerable<(string Resource, long Version)> Order => _order;

    public void Poison(string resource, long version) => _poison[(resource, version)] = 0;

    public void Cure(string resource, long version) => _poison.TryRemove((resource, version), out _);

    public Task HandleAsync(TransitionEvent transition, ConsumerContext context, CancellationToken cancellationToken)
    {
        var key = ($"{transition.ResourceType}/{transition.ResourceId}", transition.Version);
        if (_poison.ContainsKey(key))
        {
            throw new PoisonEventException($"version {transition.Version} cannot be shown");
        }

        if (Down)
        {
            throw new InvalidOperationException("the order history service is down");
        }

        _handled.AddOrUpdate(key, 1, (_, n) => n + 1);
        _order.Enqueue(key);
        return Task.CompletedTask;
    }
}
