using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using OrleansConsistency.Grains.Conflicts;
using OrleansConsistency.Grains.Consumers;
using OrleansConsistency.Grains.Intents;
using OrleansConsistency.Grains.Interfaces.Conflicts;
using OrleansConsistency.Grains.Interfaces.Consumers;
using OrleansConsistency.Grains.Interfaces.Correlation;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Grains.Serialization;
using OrleansConsistency.Grains.Settlement;
using OrleansConsistency.Grains.Telemetry;
using OrleansConsistency.Storage;
using OrleansConsistency.Storage.GrainStorage;

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
    IEventLog eventLog,
    IOptions<ResourcesOptions> options,
    IOptions<ConsumersOptions> consumers,
    SettlementFeed settlementFeed,
    TimeProvider time) : Grain, IResourceGrain
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
    private SettleClock _settleClock = new(string.Empty);

    private ResourceTypeOptions TypeOptions => options.Value.For(_resource.Type);

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _resource = ResourceKey.ParseGrainKey(this.GetPrimaryKeyString());
        _settleClock = new SettleClock(_resource.Type);
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
        _settlement.RecordSettlement(0, _committed.Version, time.GetUtcNow());
    }

    /// <inheritdoc />
    public async Task<IntentResult> Submit(Intent intent)
    {
        IntentValidator.Validate(intent);
        var fingerprint = IntentFingerprint.Compute(intent);
        var now = time.GetUtcNow();
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
        var now = time.GetUtcNow();
        if (_inFlight.TryGetValue(idempotencyKey, out var pending))
        {
            return IntentStatusBuilder.Pending(_resource, idempotencyKey, pending.CorrelationId, pending.ReceivedAt, _committed.Version, SettledVersion);
        }

        var outcome = _recent.TryGet(idempotencyKey, now, out var known) ? known : await LoadOutcomeAsync(idempotencyKey);
        return outcome is null ? null : StatusOf(outcome, now);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ParkedConflict>> GetParkedConflicts() =>
        Task.FromResult<IReadOnlyList<ParkedConflict>>(
            _committed.Parked.Select(p => new ParkedConflict(p.IntentKey, p.Session, p.ReceivedAt, p.Report)).ToList());

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
        var deadline = time.GetUtcNow() + (maxWait < MaxWait ? maxWait : MaxWait);
        while (true)
        {
            var changed = _settlement.Changed;
            var status = await GetIntentStatus(idempotencyKey);
            var remaining = deadline - time.GetUtcNow();
            if (status is null or { State: IntentState.Settled or IntentState.Failed or IntentState.Rejected } || remaining <= TimeSpan.Zero)
            {
                return status;
            }

            try
            {
                await changed.WaitAsync(remaining, time);
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
        var now = time.GetUtcNow();
        if (_settlement.RecordSettlement(settledBefore, _committed.Version, now))
        {
            settlementFeed.Publish(new SettlementNotice(_resource.ScopedType, _resource.Id, SettledVersion, _committed.Version, now));
        }

        _settleClock.SettledUpTo(SettledVersion, now);

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
                if (outcome.Version is { } applied)
                {
                    _settleClock.Applied(applied, outcome.DecidedAt);
                }

                if (outcome.Conflict is { } conflict)
                {
                    ConflictInstruments.Record(_resource.Type, conflict.Policy, conflict.Outcome);
                }

                AnnounceSettlement(settledBefore);
                _recent.Add(outcome, receivedAt + options.Value.IntentRetention);
                return new IntentResult(StatusOf(outcome, time.GetUtcNow()), Replayed: false);
            }
            catch (DuplicateIntentException)
            {
                // Known from before this activation (the memory of recent keys starts empty): answer with the record.
                state.State = _committed;
                if (await LoadOutcomeAsync(intent.IdempotencyKey) is { } stored)
                {
                    return Replay(stored, fingerprint, time.GetUtcNow());
                }
            }
            catch (InconsistentStateException) when (attempt < MaxCommitAttempts)
            {
                // Another activation of this grain committed first (a view change); catch up and decide again,
                // after a jittered pause so two activations do not keep colliding in lockstep.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * attempt)), time);
                await ReloadAsync();
            }
            catch (CommitOutcomeUnknownException)
            {
                // The commit may have landed: the stored record says whether it did.
                await ReloadAsync();
                if (await LoadOutcomeAsync(intent.IdempotencyKey) is { } landed && landed.Fingerprint == fingerprint)
                {
                    _recent.Add(landed, landed.ReceivedAt + options.Value.IntentRetention);
                    return new IntentResult(StatusOf(landed, time.GetUtcNow()), Replayed: false);
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
        var decidedAt = time.GetUtcNow();
        IntentOutcome Refused(string code, string reason, ConflictReport? conflict = null) =>
            new(intent.IdempotencyKey, fingerprint, intent.Operation, null, new IntentRejection(code, reason, current.Version), intent.CorrelationId, receivedAt, decidedAt, conflict, intent.Session);

        if (intent.ExpectedVersion is { } expected && expected != current.Version)
        {
            return (Refused(IntentRejection.VersionMismatch, $"Expected version {expected}, but the resource is at version {current.Version}."), current, null);
        }

        if (intent.BasedOnVersion > current.Version)
        {
            throw new InvalidIntentException($"basedOnVersion is {intent.BasedOnVersion}, but {_resource} is only at version {current.Version}: it must be a version you have seen.");
        }

        var issuedAt = intent.IssuedAt ?? receivedAt;
        if (issuedAt > decidedAt + options.Value.MaxClockSkew)
        {
            throw new InvalidIntentException($"issuedAt ({issuedAt:O}) is in the future by more than {options.Value.MaxClockSkew}; check the clock of the device that sent it.");
        }

        // The resource's clock never goes back. Every write's own timestamp is when it was issued, which is what
        // last-writer-wins compares: stamping a fresh write with the clock at arrival instead would let the first of
        // several intents based on one version beat every later one issued before it arrived, so the order of arrival,
        // not the order of issue, would decide (LastWriterWinsProperties).
        var clock = HlcTimestamp.Max(current.Clock ?? HlcTimestamp.Zero, HlcTimestamp.At(issuedAt)).Tick(decidedAt);
        var basedOn = intent.BasedOnVersion ?? current.Version;
        var stamp = HlcTimestamp.At(issuedAt);
        var payload = intent.Payload is { } element ? JsonNode.Parse(element.GetRawText()) as JsonObject : null;
        var decision = ConflictResolver.Decide(current, Policy, intent.Operation, payload, basedOn, stamp, intent.IdempotencyKey, intent.Session);
        var policyName = ConflictPolicies.Name(Policy);
        switch (decision.Kind)
        {
            case ConflictDecisionKind.Reject:
                var fields = decision.Fields.Select(f => f with { Result = f.Theirs }).ToList();
                var message = ConflictMessages.Rejected(basedOn, current.Version, fields);
                return (Refused(IntentRejection.Conflict, message, new ConflictReport(policyName, basedOn, current.Version, ConflictReport.Rejected, fields, message)), current, null);
            case ConflictDecisionKind.Park:
                if (current.Parked.Count >= options.Value.MaxParkedConflictsPerResource)
                {
                    return (Refused(IntentRejection.TooManyConflicts, $"Not saved: {current.Parked.Count} changes to this resource already wait for someone to resolve their conflicts. Resolve those first."), current, null);
                }

                var parkedReport = new ConflictReport(policyName, basedOn, current.Version, ConflictReport.Parked, decision.Fields, ConflictMessages.Parked(basedOn, decision.Fields));
                var parked = new ParkedIntent
                {
                    IntentKey = intent.IdempotencyKey,
                    Operation = intent.Operation,
                    Payload = intent.Payload,
                    CorrelationId = intent.CorrelationId,
                    Session = intent.Session,
                    ReceivedAt = receivedAt,
                    Stamp = stamp,
                    Report = parkedReport,
                };
                var withParked = Copy(current);
                withParked.Parked = [.. current.Parked, parked];
                return (new IntentOutcome(intent.IdempotencyKey, fingerprint, intent.Operation, null, null, intent.CorrelationId, receivedAt, decidedAt, parkedReport, intent.Session), withParked, null);
        }

        JsonObject? document;
        try
        {
            document = decision.Operation is { } operation ? DocumentOperations.Apply(current.Document, operation, Element(decision.Payload)) : current.Document;
        }
        catch (CannotApplyException ex)
        {
            return (Refused(IntentRejection.CannotApply, ex.Message), current, null);
        }

        var version = current.Version + 1;
        ConflictReport? report = null;
        if (decision.HasConflict)
        {
            var fields = decision.Fields.Select(f => f with { Result = ConflictResolver.Element(JsonPaths.Get(document, f.Path)) }).ToList();
            report = new ConflictReport(policyName, basedOn, current.Version, ConflictReport.Merged, fields, ConflictMessages.Merged(policyName, basedOn, fields));
        }

        var changed = decision.Operation != intent.Operation || !ReferenceEquals(decision.Payload, payload);
        var transition = Transition(intent.IdempotencyKey, intent.CorrelationId, intent.Session, version, decidedAt, intent.Operation, intent.Payload, document, report, clock, stamp, changed ? new EffectiveChange(decision.Operation, Element(decision.Payload)) : null);
        var next = ResourceLedger.Apply(current, transition, Limits).Next;
        return (new IntentOutcome(intent.IdempotencyKey, fingerprint, intent.Operation, version, null, intent.CorrelationId, receivedAt, decidedAt, report, intent.Session), next, transition);
    }

    private ConflictPolicy Policy => ConflictPolicies.TryParse(TypeOptions.ConflictPolicy, out var policy) ? policy : ConflictPolicy.Merge;

    private ConflictLimits Limits => new(options.Value.SupersessionNotesPerResource, options.Value.IntentRetention);

    private TransitionEvent Transition(string key, string? correlationId, string? session, long version, DateTimeOffset at, IntentOperation operation, JsonElement? payload, JsonObject? document, ConflictReport? report, HlcTimestamp clock, HlcTimestamp stamp, EffectiveChange? effect) =>
        new(
            TransitionEvent.CurrentSchemaVersion,
            _resource.Type,
            _resource.Id,
            version,
            TransitionEvent.Applied,
            key,
            correlationId,
            at,
            operation,
            payload,
            document is null ? null : JsonSerializer.SerializeToElement(document, GrainsJsonContext.Default.JsonObject),
            report,
            clock,
            stamp,
            effect,
            Activity.Current is { IdFormat: ActivityIdFormat.W3C } span ? span.Id : null,
            _resource.Tenant == ResourceTenant.Default ? null : _resource.Tenant,
            session);

    private static JsonElement? Element(JsonObject? node) => node is null ? null : JsonSerializer.SerializeToElement(node, GrainsJsonContext.Default.JsonObject);

    private static ResourceState Copy(ResourceState state) => new()
    {
        Version = state.Version,
        Document = state.Document,
        UpdatedAt = state.UpdatedAt,
        Clock = state.Clock,
        FieldWrites = state.FieldWrites,
        Superseded = state.Superseded,
        Resolved = state.Resolved,
        Parked = state.Parked,
    };

    /// <summary>One transaction: the state (also for refusals, so the record is written under the same CAS), the intent record, and the event.</summary>
    private Task CommitAsync(IntentOutcome outcome, ResourceState next, TransitionEvent? transition) =>
        CommitAsync(
            new IntentRecord(
                _resource.GrainKey,
                outcome.IdempotencyKey,
                outcome.Fingerprint,
                outcome.Version,
                JsonSerializer.Serialize(outcome, GrainsJsonContext.Default.IntentOutcome),
                outcome.DecidedAt,
                outcome.DecidedAt + options.Value.IntentRetention),
            next,
            transition);

    private async Task CommitAsync(IntentRecord? intentRecord, ResourceState next, TransitionEvent? transition)
    {
        EventRecord[] events = transition is null
            ? []
            : [new EventRecord(_resource.StreamNamespace, _resource.Id, transition.Version, transition.Type, transition.IntentKey, transition.CorrelationId, JsonSerializer.Serialize(transition, GrainsJsonContext.Default.TransitionEvent), transition.OccurredAt)];

        using var span = GrainsTelemetry.Source.StartActivity("commit");
        span?.SetTag("oc.resource", _resource.GrainKey);
        span?.SetTag("oc.version", next.Version);
        span?.SetTag("oc.intent_key", intentRecord?.IdempotencyKey ?? transition?.IntentKey);
        span?.SetTag(CorrelationContext.Tag, transition?.CorrelationId ?? CorrelationContext.Current);
        state.State = next;
        await state.WriteStateAsync(new CommitRecords(intentRecord is null ? [] : [intentRecord], events));
        _committed = next;
    }

    private IntentResult Replay(IntentOutcome known, string fingerprint, DateTimeOffset now) =>
        known.Fingerprint == fingerprint
            ? new IntentResult(StatusOf(known, now), Replayed: true)
            : throw new IdempotencyKeyMisuseException($"The Idempotency-Key '{known.IdempotencyKey}' was already used for a different request to {_resource}; nothing was applied. Use a new key for a new request.");

    private IntentStatus StatusOf(IntentOutcome outcome, DateTimeOffset now)
    {
        var committed = _committed;
        var key = outcome.IdempotencyKey;

        // A parked intent a person resolved is shown as applied at the resolution's version, with the resolution.
        if (outcome.Parked && committed.Resolved.FirstOrDefault(r => r.IntentKey == key) is { Report.Resolution: { } resolution } resolved)
        {
            outcome = outcome with { Version = resolution.Version, DecidedAt = resolution.At, Conflict = resolved.Report };
        }

        var superseded = committed.Superseded.Where(n => n.IntentKey == key).Select(n => n.Supersession).ToList();
        return IntentStatusBuilder.Build(_resource, outcome, committed.Version, _settlement, TypeOptions, now, superseded);
    }

    /// <inheritdoc />
    public async Task<IntentResult> Resolve(string idempotencyKey, ConflictChoice choice, JsonElement? value)
    {
        ArgumentNullException.ThrowIfNull(idempotencyKey);
        if (choice == ConflictChoice.Value ? value is not { ValueKind: JsonValueKind.Object } : value is not null and not { ValueKind: JsonValueKind.Undefined or JsonValueKind.Null })
        {
            throw new ConflictResolutionException(
                ConflictResolutionException.InvalidResolution,
                choice == ConflictChoice.Value
                    ? "The choice 'value' needs a value: a JSON object, applied as a JSON Merge Patch (e.g. {\"status\": \"shipped\"})."
                    : "Only the choice 'value' takes a value; keep-mine and keep-theirs take none.");
        }

        value = choice == ConflictChoice.Value ? value : null;
        for (var attempt = 1; ; attempt++)
        {
            var current = _committed;
            var parked = current.Parked.FirstOrDefault(p => p.IntentKey == idempotencyKey);
            if (parked is null)
            {
                return await ResolvedBeforeAsync(idempotencyKey, choice, value);
            }

            var (effectOperation, effectPayload) = choice switch
            {
                ConflictChoice.KeepMine => ((IntentOperation?)parked.Operation, parked.Payload),
                ConflictChoice.KeepTheirs when parked.Operation == IntentOperation.Merge =>
                    JsonPaths.Without((JsonObject)JsonNode.Parse(parked.Payload!.Value.GetRawText())!, parked.Report.Fields.Select(f => f.Path).ToList()) is { Count: > 0 } rest
                        ? (IntentOperation.Merge, Element(rest))
                        : (null, null),
                ConflictChoice.KeepTheirs => (null, null),
                _ => (IntentOperation.Merge, value),
            };

            JsonObject? document;
            try
            {
                document = effectOperation is { } operation ? DocumentOperations.Apply(current.Document, operation, effectPayload) : current.Document;
            }
            catch (CannotApplyException ex)
            {
                throw new ConflictResolutionException(ConflictResolutionException.InvalidResolution, $"That choice cannot be applied: {ex.Message}");
            }

            var now = time.GetUtcNow();
            var version = current.Version + 1;
            var outcome = choice switch
            {
                ConflictChoice.KeepMine => FieldConflict.MineWon,
                ConflictChoice.KeepTheirs => FieldConflict.TheirsKept,
                _ => FieldConflict.Chosen,
            };
            var fields = parked.Report.Fields
                .Select(f => f with { Theirs = ConflictResolver.Element(JsonPaths.Get(current.Document, f.Path)), Result = ConflictResolver.Element(JsonPaths.Get(document, f.Path)), Outcome = outcome })
                .ToList();
            var report = parked.Report with
            {
                Outcome = ConflictReport.Resolved,
                CurrentVersion = current.Version,
                Fields = fields,
                Message = ConflictMessages.Resolved(choice, version, fields),
                Resolution = new ConflictResolution(choice, value, version, now),
            };

            // A person's decision is the newest write: it takes the resource clock's next reading.
            var clock = (current.Clock ?? HlcTimestamp.Zero).Tick(now);
            var transition = Transition(idempotencyKey, parked.CorrelationId, parked.Session, version, now, parked.Operation, parked.Payload, document, report, clock, clock, new EffectiveChange(effectOperation, effectPayload));
            var next = ResourceLedger.Apply(current, transition, Limits).Next;
            try
            {
                var settledBefore = SettledVersion;
                await CommitAsync(intentRecord: null, next, transition);
                ConflictInstruments.Record(_resource.Type, report.Policy, report.Outcome);
                AnnounceSettlement(settledBefore);
                var original = await FindOutcomeAsync(idempotencyKey)
                    ?? throw new ConflictResolutionException(ConflictResolutionException.NotFound, $"The intent '{idempotencyKey}' is no longer known.");
                return new IntentResult(StatusOf(original, time.GetUtcNow()), Replayed: false);
            }
            catch (Exception ex) when (ex is InconsistentStateException or CommitOutcomeUnknownException && attempt < MaxCommitAttempts)
            {
                // Another activation committed first, or the commit may have landed: catch up and look again.
                await ReloadAsync();
            }
            catch (Exception) when (RestoreCommitted())
            {
                throw;
            }
        }
    }

    /// <inheritdoc />
    public async Task<RebuildReport> Rebuild(bool replace)
    {
        const int Page = 500;
        var committed = _committed;
        var replayed = new ResourceState();
        var differences = new List<string>();
        var count = 0;
        for (var from = 1L; ; from += Page)
        {
            var records = await eventLog.ReadStreamAsync(_resource.StreamNamespace, _resource.Id, from, Page);
            foreach (var record in records)
            {
                if (record.Version != replayed.Version + 1)
                {
                    differences.Add($"The log holds version {record.Version} after version {replayed.Version}: the earlier events are no longer kept, so the resource cannot be rebuilt from them.");
                    return new RebuildReport(replayed.Version, count, false, differences, null, false);
                }

                var transition = JsonSerializer.Deserialize(record.Payload, GrainsJsonContext.Default.TransitionEvent)!;
                var (next, mismatch) = ResourceLedger.Apply(replayed, transition, Limits, verify: true);
                if (mismatch is not null)
                {
                    differences.Add(mismatch);
                }

                replayed = next;
                count++;
            }

            if (records.Count < Page)
            {
                break;
            }
        }

        // Parked intents made no version, so no event holds them: they are carried over as they are.
        replayed.Parked = committed.Parked;
        differences.AddRange(ResourceStateComparer.Differences(committed, replayed));
        var matches = differences.Count == 0;
        var replaced = false;
        if (replace && !matches && replayed.Version == committed.Version)
        {
            await CommitAsync(intentRecord: null, replayed, transition: null);
            replaced = true;
        }

        return new RebuildReport(
            replayed.Version,
            count,
            matches,
            differences,
            replayed.Document is { } document ? JsonSerializer.SerializeToElement(document, GrainsJsonContext.Default.JsonObject) : null,
            replaced);
    }

    /// <summary>Answers a resolution of an intent that is not parked (any more).</summary>
    private async Task<IntentResult> ResolvedBeforeAsync(string idempotencyKey, ConflictChoice choice, JsonElement? value)
    {
        var outcome = await FindOutcomeAsync(idempotencyKey)
            ?? throw new ConflictResolutionException(ConflictResolutionException.NotFound, $"No intent with the key '{idempotencyKey}' is known for {_resource}.");
        if (_committed.Resolved.FirstOrDefault(r => r.IntentKey == idempotencyKey)?.Report.Resolution is { } earlier)
        {
            var same = earlier.Choice == choice && (earlier.Value is null ? value is null : value is { } given && JsonElement.DeepEquals(earlier.Value.Value, given));
            return same
                ? new IntentResult(StatusOf(outcome, time.GetUtcNow()), Replayed: true)
                : throw new ConflictResolutionException(ConflictResolutionException.AlreadyResolved, $"This conflict was already resolved at version {earlier.Version} ({ConflictMessages.ChoiceName(earlier.Choice)}); nothing was changed.");
        }

        throw new ConflictResolutionException(
            ConflictResolutionException.NotInConflict,
            outcome.Parked
                ? $"The conflict of '{idempotencyKey}' was resolved longer ago than this resource remembers; nothing was changed."
                : $"The intent '{idempotencyKey}' is not waiting for a decision: it was {(outcome.Applied ? $"applied at version {outcome.Version}" : "refused")}; nothing was changed.");
    }

    private async Task<IntentOutcome?> FindOutcomeAsync(string idempotencyKey) =>
        _recent.TryGet(idempotencyKey, time.GetUtcNow(), out var known) ? known : await LoadOutcomeAsync(idempotencyKey);

    private async Task<IntentOutcome?> LoadOutcomeAsync(string idempotencyKey)
    {
        var record = await intentStore.FindAsync(_resource.GrainKey, idempotencyKey);
        if (record is null || record.ExpiresAt <= time.GetUtcNow())
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
