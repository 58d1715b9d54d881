using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using OrleansConsistency.Grains.Consumers;
using OrleansConsistency.Grains.Intents;
using OrleansConsistency.Grains.Interfaces.Consumers;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Grains.Serialization;
using OrleansConsistency.Grains.Settlement;
using OrleansConsistency.Runtime;
using OrleansConsistency.Runtime.Storage;

namespace OrleansConsistency.Grains.Resources;

/// <summary>
/// One resource: applies intents one at a time, each bumping the version by one, and commits the new state, the
/// intent's record and its transition event in ONE transaction. Answers replays from memory or from the stored
/// record; the store's unique key on (resource, idempotency key) is the last word, also across activations.
/// </summary>
public sealed class ResourceGrain(
    [PersistentState("state")] IPersistentState<ResourceState> state,
    IIntentStore intentStore,
    IConsumerCheckpointStore checkpoints,
    IConsumerFailureStore failures,
    IOptions<ResourcesOptions> options,
    IOptions<ConsumersOptions> consumers,
    SettlementFeed settlementFeed) : Grain, IResourceGrain
{
    /// <summary>The longest a caller may wait for settlement in one call (Prefer: wait is capped at 30 s too).</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    /// <summary>How often a write is retried after another activation of this grain committed first.</summary>
    private const int MaxCommitAttempts = 10;

    private readonly RecentIntents _recent = new(options.Value.RecentIntentsPerResource);
    private readonly Dictionary<string, (DateTimeOffset ReceivedAt, string? CorrelationId)> _inFlight = new(StringComparer.Ordinal);
    private ResourceState _committed = new();
    private ResourceKey _resource;
    private SettlementTracker _settlement = new([]);

    private ResourceTypeOptions TypeOptions => options.Value.For(_resource.Type);

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _resource = ResourceKey.ParseGrainKey(GetPrimaryKeyString());
        _committed = state.State;
        var lanes = TypeOptions.RequiredConsumers.Select(name => new ConsumerLane(name, consumers.Value.For(name).DisplayNameFor(name), consumers.Value.For(name).IsProcessManager)).ToList();
        if (lanes.Count > 0)
        {
            // Settlement is derived, not stored: the consumers' checkpoints and dead letters are the truth.
            foreach (var lane in lanes)
            {
                lane.Load(await checkpoints.GetAsync(lane.Name, _resource.GrainKey, cancellationToken) ?? 0);
            }

            foreach (var failure in await failures.ListFailuresAsync(_resource.GrainKey, cancellationToken))
            {
                lanes.FirstOrDefault(l => l.Name == failure.Consumer)?.Report(new ConsumerTrouble(failure.Consumer, failure.Version, failure.Attempts, failure.Reason, null, GaveUp: true));
            }
        }

        _settlement = new SettlementTracker(lanes);
        _settlement.RecordSettlement(0, _committed.Version, TimeProvider.GetUtcNow());
    }

    /// <inheritdoc />
    public async Task<IntentResult> Submit(Intent intent)
    {
        IntentValidator.Validate(intent);
        var fingerprint = IntentFingerprint.Compute(intent);
        var now = TimeProvider.GetUtcNow();
        if (_recent.TryGet(intent.IdempotencyKey, now, out var known))
        {
            return Replay(known, fingerprint, now);
        }

        _inFlight[intent.IdempotencyKey] = (now, intent.CorrelationId);
        try
        {
            return await DecideAndCommitAsync(intent, fingerprint, now);
        }
        finally
        {
            _inFlight.Remove(intent.IdempotencyKey);
        }
    }

    /// <inheritdoc />
    public async Task<IntentStatus?> GetIntentStatus(string idempotencyKey)
    {
        var now = TimeProvider.GetUtcNow();
        if (_inFlight.TryGetValue(idempotencyKey, out var pending))
        {
            return IntentStatusBuilder.Pending(_resource, idempotencyKey, pending.CorrelationId, pending.ReceivedAt, _committed.Version, SettledVersion);
        }

        var outcome = _recent.TryGet(idempotencyKey, now, out var known) ? known : await LoadOutcomeAsync(idempotencyKey);
        return outcome is null ? null : StatusOf(outcome, now);
    }

    /// <inheritdoc />
    public Task<ResourceSnapshot> GetSnapshot()
    {
        var committed = _committed;
        return Task.FromResult(new ResourceSnapshot(
            _resource.Type,
            _resource.Id,
            committed.Version,
            _settlement.SettledVersion(committed.Version),
            committed.Document is not null,
            committed.Document is { } document ? JsonSerializer.SerializeToElement(document, GrainsJsonContext.Default.JsonObject) : null,
            committed.UpdatedAt));
    }

    /// <inheritdoc />
    public async Task<IntentStatus?> WaitForIntentStatus(string idempotencyKey, TimeSpan maxWait)
    {
        var deadline = TimeProvider.GetUtcNow() + (maxWait < MaxWait ? maxWait : MaxWait);
        while (true)
        {
            var changed = _settlement.Changed;
            var status = await GetIntentStatus(idempotencyKey);
            var remaining = deadline - TimeProvider.GetUtcNow();
            if (status is null or { State: IntentState.Settled or IntentState.Failed or IntentState.Rejected } || remaining <= TimeSpan.Zero)
            {
                return status;
            }

            try
            {
                await changed.WaitAsync(remaining, TimeProvider);
            }
            catch (TimeoutException)
            {
                return await GetIntentStatus(idempotencyKey);
            }
        }
    }

    /// <inheritdoc />
    public Task Acknowledge(ConsumerAcknowledgement acknowledgement)
    {
        ArgumentNullException.ThrowIfNull(acknowledgement);
        if (_settlement.Lane(acknowledgement.Consumer) is { } lane)
        {
            var settledBefore = SettledVersion;
            lane.Acknowledge(acknowledgement);
            AnnounceSettlement(settledBefore);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task ReportTrouble(ConsumerTrouble trouble)
    {
        ArgumentNullException.ThrowIfNull(trouble);
        if (_settlement.Lane(trouble.Consumer) is { } lane)
        {
            var settledBefore = SettledVersion;
            lane.Report(trouble);
            AnnounceSettlement(settledBefore);
        }

        return Task.CompletedTask;
    }

    private long SettledVersion => _settlement.SettledVersion(_committed.Version);

    /// <summary>Records and announces an advance of the settled version, and wakes everyone waiting on a status.</summary>
    private void AnnounceSettlement(long settledBefore)
    {
        var now = TimeProvider.GetUtcNow();
        if (_settlement.RecordSettlement(settledBefore, _committed.Version, now))
        {
            settlementFeed.Publish(new SettlementNotice(_resource.Type, _resource.Id, SettledVersion, _committed.Version, now));
        }

        _settlement.Signal();
    }

    private async Task<IntentResult> DecideAndCommitAsync(Intent intent, string fingerprint, DateTimeOffset receivedAt)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (outcome, next, transition) = Decide(intent, fingerprint, receivedAt);
            try
            {
                var settledBefore = SettledVersion;
                await CommitAsync(outcome, next, transition);
                AnnounceSettlement(settledBefore);
                _recent.Add(outcome, receivedAt + options.Value.IntentRetention);
                return new IntentResult(StatusOf(outcome, TimeProvider.GetUtcNow()), Replayed: false);
            }
            catch (DuplicateIntentException)
            {
                // Known from before this activation (the memory of recent keys starts empty): answer with the record.
                state.State = _committed;
                if (await LoadOutcomeAsync(intent.IdempotencyKey) is { } stored)
                {
                    return Replay(stored, fingerprint, TimeProvider.GetUtcNow());
                }
            }
            catch (InconsistentStateException) when (attempt < MaxCommitAttempts)
            {
                // Another activation of this grain committed first (a view change); catch up and decide again,
                // after a jittered pause so two activations do not keep colliding in lockstep.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * attempt)), TimeProvider);
                await ReloadAsync();
            }
            catch (CommitOutcomeUnknownException)
            {
                // The commit may have landed: the stored record says whether it did.
                await ReloadAsync();
                if (await LoadOutcomeAsync(intent.IdempotencyKey) is { } landed && landed.Fingerprint == fingerprint)
                {
                    _recent.Add(landed, landed.ReceivedAt + options.Value.IntentRetention);
                    return new IntentResult(StatusOf(landed, TimeProvider.GetUtcNow()), Replayed: false);
                }
            }
            catch (Exception) when (RestoreCommitted())
            {
                throw;
            }
        }
    }

    /// <summary>Decides what the intent does to the committed state, without changing it.</summary>
    private (IntentOutcome Outcome, ResourceState Next, TransitionEvent? Transition) Decide(Intent intent, string fingerprint, DateTimeOffset receivedAt)
    {
        var current = _committed;
        var decidedAt = TimeProvider.GetUtcNow();
        if (intent.ExpectedVersion is { } expected && expected != current.Version)
        {
            var mismatch = new IntentRejection(IntentRejection.VersionMismatch, $"Expected version {expected}, but the resource is at version {current.Version}.", current.Version);
            return (new IntentOutcome(intent.IdempotencyKey, fingerprint, intent.Operation, null, mismatch, intent.CorrelationId, receivedAt, decidedAt), current, null);
        }

        JsonObject? document;
        try
        {
            document = DocumentOperations.Apply(current.Document, intent.Operation, intent.Payload);
        }
        catch (CannotApplyException ex)
        {
            var refusal = new IntentRejection(IntentRejection.CannotApply, ex.Message, current.Version);
            return (new IntentOutcome(intent.IdempotencyKey, fingerprint, intent.Operation, null, refusal, intent.CorrelationId, receivedAt, decidedAt), current, null);
        }

        var version = current.Version + 1;
        var next = new ResourceState
        {
            Version = version,
            Document = document,
            UpdatedAt = decidedAt,
        };
        var transition = new TransitionEvent(
            TransitionEvent.CurrentSchemaVersion,
            _resource.Type,
            _resource.Id,
            version,
            TransitionEvent.Applied,
            intent.IdempotencyKey,
            intent.CorrelationId,
            decidedAt,
            intent.Operation,
            intent.Payload,
            document is null ? null : JsonSerializer.SerializeToElement(document, GrainsJsonContext.Default.JsonObject));
        return (new IntentOutcome(intent.IdempotencyKey, fingerprint, intent.Operation, version, null, intent.CorrelationId, receivedAt, decidedAt), next, transition);
    }

    /// <summary>One transaction: the state (also for refusals, so the record is written under the same CAS), the intent record, and the event.</summary>
    private async Task CommitAsync(IntentOutcome outcome, ResourceState next, TransitionEvent? transition)
    {
        var intentRecord = new IntentRecord(
            _resource.GrainKey,
            outcome.IdempotencyKey,
            outcome.Fingerprint,
            outcome.Version,
            JsonSerializer.Serialize(outcome, GrainsJsonContext.Default.IntentOutcome),
            outcome.DecidedAt,
            outcome.DecidedAt + options.Value.IntentRetention);
        EventRecord[] events = transition is null
            ? []
            : [new EventRecord(_resource.StreamNamespace, _resource.Id, transition.Version, transition.Type, transition.IntentKey, transition.CorrelationId, JsonSerializer.Serialize(transition, GrainsJsonContext.Default.TransitionEvent), transition.OccurredAt)];

        state.State = next;
        await state.WriteStateAsync(new CommitRecords([intentRecord], events), next.Version);
        _committed = next;
    }

    private IntentResult Replay(IntentOutcome known, string fingerprint, DateTimeOffset now) =>
        known.Fingerprint == fingerprint
            ? new IntentResult(StatusOf(known, now), Replayed: true)
            : throw new IdempotencyKeyMisuseException($"The Idempotency-Key '{known.IdempotencyKey}' was already used for a different request to {_resource}; nothing was applied. Use a new key for a new request.");

    private IntentStatus StatusOf(IntentOutcome outcome, DateTimeOffset now) => IntentStatusBuilder.Build(_resource, outcome, _committed.Version, _settlement, TypeOptions, now);

    private async Task<IntentOutcome?> LoadOutcomeAsync(string idempotencyKey)
    {
        var record = await intentStore.FindAsync(_resource.GrainKey, idempotencyKey);
        if (record is null || record.ExpiresAt <= TimeProvider.GetUtcNow())
        {
            return null;
        }

        var outcome = JsonSerializer.Deserialize(record.Outcome, GrainsJsonContext.Default.IntentOutcome)!;
        _recent.Add(outcome, record.ExpiresAt);
        return outcome;
    }

    private async Task ReloadAsync()
    {
        await state.ReadStateAsync();
        _committed = state.State;
    }

    private bool RestoreCommitted()
    {
        state.State = _committed;
        return false;
    }
}
