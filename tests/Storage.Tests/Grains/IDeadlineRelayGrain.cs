namespace OrleansConsistency.Storage.Tests.Grains;

/// <summary>Makes a nested grain call under a timeout of its own and reports the deadline the nested callee saw.</summary>
public interface IDeadlineRelayGrain : IGrainWithStringKey
{
    /// <summary>
    /// Calls <c>ILifecycleGrain(otherKey).ReadDeadline()</c> inside <c>CallDeadline.WithTimeout(innerTimeout)</c>;
    /// returns the deadline this grain received and the one the nested call carried.
    /// </summary>
    Task<RelayedDeadlines> Relay(string otherKey, TimeSpan innerTimeout);
}
