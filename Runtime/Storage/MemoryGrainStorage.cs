using System.Collections.Concurrent;

namespace OrleansConsistency.Runtime.Storage;

/// <summary>
/// Grain state kept in process memory, with the same compare-and-swap rules as the database providers. It is not
/// durable: use it to measure the runtime alone or for throwaway demos, as Orleans' memory storage.
/// </summary>
public sealed class MemoryGrainStorage : IGrainStorage
{
    /// <summary>The provider name that selects this storage in configuration.</summary>
    public const string ProviderName = "memory";

    private readonly ConcurrentDictionary<(string Type, string Id), StoredGrainState> _rows = new();
    private readonly ConcurrentDictionary<(string Resource, string Key), IntentRecord> _intents = new();

    /// <inheritdoc />
    public string Name => ProviderName;

    /// <inheritdoc />
    public Task<StoredGrainState?> ReadAsync(string grainType, string grainId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_rows.TryGetValue((grainType, grainId), out var row) ? row : null);

    /// <inheritdoc />
    public Task<string> WriteAsync(GrainStateWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        var key = (write.GrainType, write.GrainId);

        // One lock keeps the state, intent and event checks of a write atomic, as a database transaction would.
        lock (_rows)
        {
            _rows.TryGetValue(key, out var current);
            if (current?.Etag != write.ExpectedEtag)
            {
                throw new InconsistentStateException(write.GrainType, write.GrainId, write.ExpectedEtag, current?.Etag);
            }

            foreach (var intent in write.Records.Intents)
            {
                if (_intents.ContainsKey((intent.ResourceId, intent.IdempotencyKey)))
                {
                    throw new DuplicateIntentException(intent.ResourceId, intent.IdempotencyKey, innerException: null);
                }
            }

            foreach (var intent in write.Records.Intents)
            {
                _intents[(intent.ResourceId, intent.IdempotencyKey)] = intent;
            }

            var etag = ((current is null ? 0 : long.Parse(current.Etag, System.Globalization.CultureInfo.InvariantCulture)) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            _rows[key] = new StoredGrainState(etag, write.Version, write.Payload);
            return Task.FromResult(etag);
        }
    }
}
