using System.Collections.Concurrent;
using OrleansConsistency.Runtime.Calls;
using OrleansConsistency.Runtime.Hosting;

namespace OrleansConsistency.Runtime.Activation;

/// <summary>
/// The silo's directory of activations: at most one per grain id. It creates activations on first call and
/// delivers calls to them; a call that finds an activation going away waits for it to finish, then goes to the next one.
/// </summary>
internal sealed class Catalog(SiloRuntime runtime) : IGrainCallDispatcher
{
    private readonly ConcurrentDictionary<GrainId, ActivationData> _activations = new();

    public int Count => _activations.Count;

    public IReadOnlyCollection<ActivationData> Activations => [.. _activations.Values];

    /// <summary>
    /// In a cluster: whether this silo may activate a grain now (it owns it and holds its lease). A refused call
    /// fails with <see cref="Cluster.Remote.GrainNotOwnedException"/> and is routed again by the cluster dispatcher.
    /// </summary>
    public Func<GrainId, bool>? ActivationGuard { get; set; }

    /// <summary>Raised when a new activation pushes the count over the configured cap.</summary>
    public event Action? CapExceeded;

    public async Task<object?> InvokeAsync(GrainCall call)
    {
        while (true)
        {
            var delivery = TryDeliver(call, bounded: true, out var activation);
            if (delivery == MailboxDelivery.Queued)
            {
                break;
            }

            if (delivery == MailboxDelivery.Full)
            {
                throw new GrainOverloadedException(call.Target, runtime.Options.MaxMailboxLength ?? 0);
            }

            await activation.Deactivated.ConfigureAwait(false);
        }

        var remaining = call.Deadline - runtime.TimeProvider.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            remaining = TimeSpan.Zero;
        }

        try
        {
            return await call.Completion.WaitAsync(remaining, runtime.TimeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!call.IsCompleted)
        {
            // Decided once, against the activation's own claim: a call abandoned here never starts later.
            throw call.TryAbandon() ? call.DeadlinePassedBeforeStart() : call.DeadlinePassedWhileRunning();
        }
    }

    /// <summary>Delivers a call that was queued behind a deactivation; the old activation is already out of the directory.</summary>
    public void Redispatch(GrainCall call)
    {
        ActivationData closing;
        try
        {
            // Already accepted once, so it is not refused for a full mailbox now.
            if (TryDeliver(call, bounded: false, out closing) == MailboxDelivery.Queued)
            {
                return;
            }
        }
        catch (Cluster.Remote.GrainNotOwnedException ex)
        {
            call.SetException(ex);
            return;
        }

        _ = closing.Deactivated.ContinueWith(_ => Redispatch(call), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    public void Remove(ActivationData activation) =>
        _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(activation.GrainId, activation));

    public async Task DeactivateAllAsync(DeactivationReason reason)
    {
        var all = _activations.Values.ToArray();
        foreach (var activation in all)
        {
            activation.RequestDeactivation(reason, onlyIfIdle: false);
        }

        await Task.WhenAll(all.Select(a => a.Deactivated)).ConfigureAwait(false);
    }

    private MailboxDelivery TryDeliver(GrainCall call, bool bounded, out ActivationData activation)
    {
        activation = _activations.GetOrAdd(call.Target, CreateActivation);
        return activation.TryEnqueue(call, bounded ? runtime.Options.MaxMailboxLength : null);
    }

    private ActivationData CreateActivation(GrainId grainId)
    {
        if (ActivationGuard is { } guard && !guard(grainId))
        {
            throw new Cluster.Remote.GrainNotOwnedException(grainId);
        }

        var activation = new ActivationData(grainId, runtime.Registry.GetGrainType(grainId.Type), runtime, this);
        if (runtime.Options.MaxActivations is { } cap && _activations.Count >= cap)
        {
            CapExceeded?.Invoke();
        }

        return activation;
    }
}
