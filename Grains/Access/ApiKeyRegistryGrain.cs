using OrleansConsistency.Grains.Interfaces.Access;

namespace OrleansConsistency.Grains.Access;

/// <summary>
/// Keeps the API keys in one grain state row. Changes are rare (people create and revoke keys), reads are a poll per
/// API process every half second that usually answers "unchanged", so one activation is plenty.
/// </summary>
public sealed class ApiKeyRegistryGrain([PersistentState("state")] IPersistentState<ApiKeyRegistryState> state) : Grain, IApiKeyRegistryGrain
{
    // A revoked key is kept (so its id stays taken and lists show it), but not forever.
    private const int MaxKeys = 10_000;

    public Task<ApiKeySnapshot?> GetIfChanged(long knownRevision) =>
        Task.FromResult(knownRevision == state.State.Revision ? null : new ApiKeySnapshot(state.State.Revision, [.. state.State.Keys]));

    public async Task Add(ApiKeyEntry key)
    {
        Check(key);
        await SaveWithAsync(key).ConfigureAwait(true);
    }

    public async Task<bool> AddFirst(ApiKeyEntry key)
    {
        Check(key);
        if (state.State.Keys.Any(k => k.IsActive))
        {
            return false;
        }

        await SaveWithAsync(key).ConfigureAwait(true);
        return true;
    }

    public async Task<ApiKeyEntry?> Revoke(string id)
    {
        var index = state.State.Keys.FindIndex(k => k.Id == id);
        if (index < 0)
        {
            return null;
        }

        var key = state.State.Keys[index];
        if (!key.IsActive)
        {
            return key;
        }

        var revoked = key with { RevokedAt = DateTimeOffset.UtcNow };
        state.State.Keys[index] = revoked;
        state.State.Revision++;
        await WriteOrUndoAsync(() => { state.State.Keys[index] = key; state.State.Revision--; }).ConfigureAwait(true);
        return revoked;
    }

    private void Check(ApiKeyEntry key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (string.IsNullOrWhiteSpace(key.Id) || string.IsNullOrWhiteSpace(key.Hash) || string.IsNullOrWhiteSpace(key.Tenant) || key.Roles.Count == 0)
        {
            throw new ArgumentException("A key needs an id, a hash, a tenant and at least one role.", nameof(key));
        }

        if (state.State.Keys.Any(k => k.Id == key.Id || k.Hash == key.Hash))
        {
            throw new ArgumentException($"A key with id {key.Id} or the same secret is already registered.", nameof(key));
        }
    }

    private async Task SaveWithAsync(ApiKeyEntry key)
    {
        if (state.State.Keys.Count >= MaxKeys)
        {
            // Forget the oldest revoked key; if none is revoked, there really are too many.
            var oldestRevoked = state.State.Keys.FindIndex(k => !k.IsActive);
            if (oldestRevoked < 0)
            {
                throw new InvalidOperationException($"The registry already holds {MaxKeys} active keys; revoke some first.");
            }

            state.State.Keys.RemoveAt(oldestRevoked);
        }

        state.State.Keys.Add(key);
        state.State.Revision++;
        await WriteOrUndoAsync(() => { state.State.Keys.Remove(key); state.State.Revision--; }).ConfigureAwait(true);
    }

    // A failed write leaves memory as storage has it, so the next poll does not hand out a key that was never stored.
    private async Task WriteOrUndoAsync(Action undo)
    {
        try
        {
            await state.WriteStateAsync().ConfigureAwait(true);
        }
        catch
        {
            undo();
            throw;
        }
    }
}
