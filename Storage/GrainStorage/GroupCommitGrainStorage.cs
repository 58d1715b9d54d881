using System.Text.Json;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace OrleansConsistency.Storage.GrainStorage;

/// <summary>
/// The project's storage as an Orleans <see cref="IGrainStorage"/> provider: each grain state is one row (JSON
/// payload, integer ETag) of the SQLite or PostgreSQL store, whose writes are group-committed across grains. A state
/// that implements <see cref="ICarriesCommitRecords"/> has its intent records and events committed in the same
/// transaction. A write whose ETag is stale throws <see cref="InconsistentStateException"/> and changes nothing.
/// </summary>
/// <param name="store">The row store (with its group committer) the provider reads and writes.</param>
/// <param name="json">How states are serialized; the grains' source-generated contexts are in its resolver chain.</param>
/// <param name="activators">Creates the empty state of a grain that has none stored (or whose state was cleared).</param>
/// <param name="binary">
/// When set, states are stored with this serializer (as base64 text) instead of JSON: for Orleans' own grains, such as
/// the stream pub-sub's, whose states are made for Orleans' serializer rather than for System.Text.Json (and whose
/// writes injected test faults leave alone, see <see cref="GrainStateWrite.IsInfrastructure"/>).
/// </param>
public sealed class GroupCommitGrainStorage(IGrainStateStore store, JsonSerializerOptions json, IActivatorProvider activators, IGrainStorageSerializer? binary = null) : IGrainStorage
{
    /// <summary>The state name whose row uses the bare grain type, so one-state grains have plain rows.</summary>
    public const string DefaultStateName = "state";

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var (rowType, rowKey) = RowOf(stateName, grainId);
        var row = await store.ReadAsync(rowType, rowKey).ConfigureAwait(false);
        grainState.ETag = row?.Etag;
        grainState.RecordExists = row?.Payload is not null;

        // A re-read of a missing or cleared row must not leave the old value in memory for the next write to restore.
        grainState.State = row?.Payload is { } payload
            ? Deserialize<T>(payload, rowType, rowKey) ?? activators.GetActivator<T>().Create()
            : activators.GetActivator<T>().Create();
    }

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var (rowType, rowKey) = RowOf(stateName, grainId);
        var carrier = grainState.State as ICarriesCommitRecords;
        var records = carrier?.PendingRecords.Take() ?? CommitRecords.None;
        var payload = Serialize(grainState.State, rowType, rowKey);
        grainState.ETag = await store.WriteAsync(new GrainStateWrite(rowType, rowKey, grainState.ETag, payload, carrier?.StoredVersion, records) { IsInfrastructure = IsInfrastructure(grainState.State) }).ConfigureAwait(false);
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var (rowType, rowKey) = RowOf(stateName, grainId);

        // The row stays, with a new ETag, so that a stale writer still fails after the clear.
        grainState.ETag = await store.WriteAsync(new GrainStateWrite(rowType, rowKey, grainState.ETag, Payload: null, Version: null, CommitRecords.None) { IsInfrastructure = IsInfrastructure(grainState.State) }).ConfigureAwait(false);
        grainState.RecordExists = false;
        grainState.State = activators.GetActivator<T>().Create();
    }

    private bool IsInfrastructure(object? state) => binary is not null || state is IInfrastructureState;

    private static (string RowType, string RowKey) RowOf(string stateName, GrainId grainId)
    {
        var grainType = grainId.Type.ToString() ?? string.Empty;
        return (stateName == DefaultStateName ? grainType : $"{grainType}/{stateName}", grainId.Key.ToString() ?? string.Empty);
    }

    private string Serialize<T>(T state, string rowType, string rowKey)
    {
        try
        {
            return binary is null ? JsonSerializer.Serialize(state, json) : Convert.ToBase64String(binary.Serialize(state).ToMemory().Span);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or Orleans.Serialization.SerializerException)
        {
            throw new StateSerializationException($"The state of {rowType}/{rowKey} cannot be stored: {typeof(T).Name} cannot be serialized with {(binary is null ? "System.Text.Json" : "Orleans' serializer")} ({ex.Message}). Nothing was written.", ex);
        }
    }

    private T? Deserialize<T>(string payload, string rowType, string rowKey)
    {
        try
        {
            return binary is null ? JsonSerializer.Deserialize<T>(payload, json) : binary.Deserialize<T>(new BinaryData(Convert.FromBase64String(payload)));
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or FormatException or Orleans.Serialization.SerializerException)
        {
            throw new StateSerializationException($"The stored state of {rowType}/{rowKey} cannot be read as {typeof(T).Name}: {ex.Message}", ex);
        }
    }
}
