using System.Globalization;
using OrleansConsistency.Grains.Interfaces.Conflicts;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Grains.Resources;
using OrleansConsistency.Grains.Settlement;

namespace OrleansConsistency.Grains.Intents;

/// <summary>
/// Derives an intent's status from its recorded outcome and the resource's versions now: state, stable code,
/// plain-words message, timeline (one stage per required consumer) and expected settle time. Nothing here is
/// stored; it is computed fresh each time.
/// </summary>
internal static class IntentStatusBuilder
{
    public static IntentStatus Pending(ResourceKey resource, string idempotencyKey, string? correlationId, DateTimeOffset receivedAt, long currentVersion, long settledVersion) =>
        new(
            resource.Type,
            resource.Id,
            idempotencyKey,
            IntentState.Pending,
            Code: "received",
            Message: "Received. Saving…",
            Version: null,
            settledVersion,
            currentVersion,
            [Received(receivedAt), new IntentStage("applied", IntentStageState.Waiting, null, Label: SavedLabel)],
            ExpectedSettleBy: null,
            receivedAt,
            correlationId,
            Rejection: null);

    public static IntentStatus Build(ResourceKey resource, IntentOutcome outcome, long currentVersion, SettlementTracker settlement, ResourceTypeOptions options, DateTimeOffset now, IReadOnlyList<Supersession> supersededBy)
    {
        var settledVersion = settlement.SettledVersion(currentVersion);
        var received = Received(outcome.ReceivedAt);
        if (outcome.Parked)
        {
            var parked = outcome.Conflict!;
            return new IntentStatus(
                resource.Type,
                resource.Id,
                outcome.IdempotencyKey,
                IntentState.Conflict,
                "conflict",
                parked.Message,
                Version: null,
                settledVersion,
                currentVersion,
                [received, new IntentStage("conflict", IntentStageState.Waiting, outcome.DecidedAt, Detail: "Waiting for someone to choose which value to keep.", Label: "Your decision"), new IntentStage("applied", IntentStageState.Pending, null, Label: SavedLabel)],
                ExpectedSettleBy: null,
                outcome.ReceivedAt,
                outcome.CorrelationId,
                Rejection: null,
                parked);
        }

        if (outcome.Rejection is { } rejection)
        {
            return new IntentStatus(
                resource.Type,
                resource.Id,
                outcome.IdempotencyKey,
                IntentState.Rejected,
                rejection.Code,
                RejectionMessage(rejection),
                Version: null,
                settledVersion,
                currentVersion,
                [received, new IntentStage("applied", IntentStageState.Skipped, outcome.DecidedAt, Detail: rejection.Reason, Label: SavedLabel)],
                ExpectedSettleBy: null,
                outcome.ReceivedAt,
                outcome.CorrelationId,
                rejection,
                outcome.Conflict);
        }

        var version = outcome.Version!.Value;
        var consumerStages = settlement.Lanes.Select(lane => StageOf(lane, version)).ToList();
        var failed = settlement.Lanes.FirstOrDefault(lane => lane.GaveUp.ContainsKey(version));
        var settled = failed is null && settledVersion >= version;
        var settledAt = settlement.Lanes.Count == 0 ? outcome.DecidedAt : settlement.SettledAt(version);
        IReadOnlyList<IntentStage> timeline =
        [
            received,
            new IntentStage("applied", IntentStageState.Done, outcome.DecidedAt, Attempts: 1, Detail: $"Version {version}.", Label: SavedLabel),
            .. consumerStages,
            new IntentStage("settled", settled ? IntentStageState.Done : failed is null ? IntentStageState.Pending : IntentStageState.Skipped, settled ? settledAt : null, Label: "Up to date everywhere"),
        ];

        var holding = settlement.Lanes.FirstOrDefault(lane => lane.Acknowledged < version);
        var settleBy = outcome.DecidedAt + options.StalenessBound;
        if (holding?.Trouble is { NextAttemptAt: { } nextAttempt } && nextAttempt > settleBy)
        {
            settleBy = nextAttempt;
        }

        var (state, code, message, expected) = (failed, settled, holding) switch
        {
            ({ } gaveUp, _, _) => (IntentState.Failed, "consumer-failed", FailedMessage(gaveUp, version), (DateTimeOffset?)null),
            (_, true, _) => (IntentState.Settled, "settled", "Saved. Everything is up to date.", null),
            _ when now > outcome.DecidedAt + options.StalenessBound || holding?.Trouble is { Paused: true } => (IntentState.InProgress, "applied-delayed", DelayedMessage(holding), settleBy),
            _ when holding is { IsProcessManager: true } => (IntentState.InProgress, "applied-settling", $"Saved. Working on {holding.DisplayName}…", settleBy),
            _ => (IntentState.InProgress, "applied-settling", $"Saved. Updating {holding?.DisplayName ?? "everything"}…", settleBy),
        };

        // The conflict and what happened later are part of what the person needs to hear, after where the change is.
        if (outcome.Conflict is { } conflict)
        {
            message = $"{message} {conflict.Message}";
        }

        if (supersededBy.Count > 0)
        {
            message = $"{message} {string.Join(" ", supersededBy.Select(s => s.Message))}";
        }

        return new IntentStatus(
            resource.Type,
            resource.Id,
            outcome.IdempotencyKey,
            state,
            code,
            message,
            version,
            settledVersion,
            currentVersion,
            timeline,
            expected,
            outcome.ReceivedAt,
            outcome.CorrelationId,
            Rejection: null,
            outcome.Conflict,
            supersededBy.Count == 0 ? null : supersededBy);
    }

    private const string SavedLabel = "Saved";

    private static IntentStage Received(DateTimeOffset at) => new("received", IntentStageState.Done, at, Attempts: 1, Label: "Received");

    private static IntentStage StageOf(ConsumerLane lane, long version)
    {
        var name = $"consumer:{lane.Name}";
        var label = lane.IsProcessManager ? Capitalize(lane.DisplayName) : $"Updating {lane.DisplayName}";
        if (lane.GaveUp.TryGetValue(version, out var gaveUp))
        {
            return new IntentStage(name, IntentStageState.Failed, null, gaveUp.Attempts, $"Gave up: {gaveUp.LastError}", label);
        }

        if (lane.Acknowledged >= version)
        {
            var acknowledged = lane.AcknowledgementOf(version);
            return new IntentStage(name, IntentStageState.Done, acknowledged?.At, acknowledged?.Attempts ?? 1, Label: label);
        }

        return lane.Trouble switch
        {
            { Paused: true } => new IntentStage(name, IntentStageState.Waiting, null, 0, "Paused by an operator; it goes on when they resume it.", label),
            { } trouble => new IntentStage(
                name,
                IntentStageState.Waiting,
                null,
                trouble.Version == version ? trouble.Attempts : 0,
                trouble.Version == version
                    ? $"Retrying after: {trouble.LastError}{NextTry(trouble.NextAttemptAt)}"
                    : $"Waiting for an earlier change (version {trouble.Version}) to get through.",
                label),
            null => new IntentStage(name, IntentStageState.Waiting, null, Label: label),
        };
    }

    private static string DelayedMessage(ConsumerLane? holding) =>
        holding is { IsProcessManager: true, Trouble: { } waiting } && waiting.LastError.StartsWith("waiting ", StringComparison.Ordinal)
            ? $"Saved; {holding.DisplayName} is {waiting.LastError}{NextTry(waiting.NextAttemptAt)}"
            : holding is null
            ? "Saved, but updating everywhere is taking longer than usual."
            : holding.Trouble is { Paused: true }
                ? $"Saved, but updating {holding.DisplayName} is paused by an operator. Your change is kept and will appear in {holding.DisplayName} when they resume it."
            : holding.Trouble is { } trouble
                ? $"Saved, but updating {holding.DisplayName} is taking longer than usual ({trouble.LastError}){NextTry(trouble.NextAttemptAt)}"
                : $"Saved, but updating {holding.DisplayName} is taking longer than usual.";

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static string FailedMessage(ConsumerLane lane, long version) =>
        lane.IsProcessManager ? lane.GaveUp[version].LastError : $"Saved, but {lane.DisplayName} could not be updated ({lane.GaveUp[version].LastError}). Your change is kept and everything else goes on; an operator can retry it.";

    private static string NextTry(DateTimeOffset? next) =>
        next is { } at ? $". Next try at {at.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} UTC." : ".";

    private static string RejectionMessage(IntentRejection rejection) => rejection.Code switch
    {
        IntentRejection.Conflict or IntentRejection.TooManyConflicts => rejection.Reason,
        IntentRejection.VersionMismatch => $"Not saved: someone changed this first (it is now at version {rejection.CurrentVersion}). Reload it and try again.",
        _ => $"Not saved: {rejection.Reason}",
    };
}
