using Orleans;
using Orleans.Concurrency;

namespace OrleansConsistency.Grains.Interfaces.Access;

/// <summary>
/// The cluster's API keys (one activation, key <see cref="Key"/>), persisted in the product's grain storage. API
/// processes poll <see cref="GetIfChanged"/> and authenticate from their copy, so a request costs no grain call and
/// a revocation reaches every process within one poll.
/// </summary>
[Alias("oc.IApiKeyRegistryGrain")]
public interface IApiKeyRegistryGrain : IGrainWithStringKey
{
    /// <summary>The one registry's grain key.</summary>
    const string Key = "api-keys";

    /// <summary>The keys, or null when the registry is still at <paramref name="knownRevision"/>.</summary>
    [AlwaysInterleave]
    Task<ApiKeySnapshot?> GetIfChanged(long knownRevision);

    /// <summary>Adds a key; the caller made it and hashed it.</summary>
    /// <exception cref="ArgumentException">The id or hash is already registered, or a field is empty.</exception>
    Task Add(ApiKeyEntry key);

    /// <summary>Adds the first key, but only while no active key exists; true when it was added.</summary>
    Task<bool> AddFirst(ApiKeyEntry key);

    /// <summary>Revokes a key; returns it, or null when the id is unknown. Revoking twice is harmless.</summary>
    Task<ApiKeyEntry?> Revoke(string id);
}
