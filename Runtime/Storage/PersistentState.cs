using System.Text.Json;

namespace OrleansConsistency.Runtime.Storage;

/// <summary>A grain's state bound to one row of a storage provider; every write is a compare-and-swap on the ETag.</summary>
internal sealed class PersistentState<TState>(IGrainStorage storage, string grainType, string grainId, JsonSerializerOptions jsonOptions)
    : IPersistentState<TState>, IStateLoader
{
    public TState State { get; set; } = CreateEmpty();

    public string? Etag { get; private set; }

    public bool RecordExists { get; private set; }

    public async Task ReadStateAsync()
    {
        var row = await storage.ReadAsync(grainType, grainId).ConfigureAwait(true);
        Etag = row?.Etag;
        RecordExists = row?.Payload is not null;
        State = row?.Payload is { } payload
            ? JsonSerializer.Deserialize<TState>(payload, jsonOptions) ?? CreateEmpty()
            : CreateEmpty();
    }

    public Task WriteStateAsync() => WriteStateAsync(CommitRecords.None);

    public async Task WriteStateAsync(CommitRecords alsoCommit, long? version = null)
    {
        ArgumentNullException.ThrowIfNull(alsoCommit);
        var payload = JsonSerializer.Serialize(State, jsonOptions);
        Etag = await storage.WriteAsync(new GrainStateWrite(grainType, grainId, Etag, payload, version, alsoCommit)).ConfigureAwait(true);
        RecordExists = true;
    }

    public async Task ClearStateAsync()
    {
        Etag = await storage.WriteAsync(new GrainStateWrite(grainType, grainId, Etag, Payload: null, Version: null, CommitRecords.None)).ConfigureAwait(true);
        State = CreateEmpty();
        RecordExists = false;
    }

    private static TState CreateEmpty() => (TState)PersistentStateFactory.CreateEmpty(typeof(TState));
}
