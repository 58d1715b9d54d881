using OrleansConsistency.Grains.Interfaces.Deadlines;
using OrleansConsistency.TestGrains;

namespace OrleansConsistency.Storage.Tests.Grains;

/// <summary>See <see cref="IDeadlineRelayGrain"/>.</summary>
public sealed class DeadlineRelayGrain : Grain, IDeadlineRelayGrain
{
    public async Task<RelayedDeadlines> Relay(string otherKey, TimeSpan innerTimeout)
    {
        var received = CallDeadline.Current;
        using (CallDeadline.WithTimeout(innerTimeout))
        {
            var nested = await GrainFactory.GetGrain<ILifecycleGrain>(otherKey).ReadDeadline();
            return new RelayedDeadlines(received, nested);
        }
    }
}
