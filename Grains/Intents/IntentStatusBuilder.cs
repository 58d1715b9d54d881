using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Grains.Resources;

namespace OrleansConsistency.Grains.Intents;

/// <summary>
/// Derives an intent's status from its recorded outcome and the resource's versions now: state, stable code,
/// plain-words message, timeline and expected settle time. Nothing here is stored; it is always computed fresh.
/// </summary>
internal static class IntentStatusBuilder
{
    public static IntentStatus Pending(ResourceKey resource, string idempotencyKey, string? correlationId, DateTimeOffset receivedAt, ResourceState committed) =>
        new(
            resource.Type,
            resource.Id,
            idempotencyKey,
            IntentState.Pending,
            Code: "received",
            Message: "Received. Saving…",
            Version: null,
            committed.SettledVersion,
            committed.Version,
            [new IntentStage("received", IntentStageState.Done, receivedAt, Attempts: 1), new IntentStage("applied", IntentStageState.Waiting, null)],
            ExpectedSettleBy: null,
            receivedAt,
            correlationId,
            Rejection: null);

    public static IntentStatus Build(ResourceKey resource, IntentOutcome outcome, ResourceState committed, ResourceTypeOptions options, DateTimeOffset now)
    {
        var received = new IntentStage("received", IntentStageState.Done, outcome.ReceivedAt, Attempts: 1);
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
                committed.SettledVersion,
                committed.Version,
                [received, new IntentStage("applied", IntentStageState.Skipped, outcome.DecidedAt, Detail: rejection.Reason)],
                ExpectedSettleBy: null,
                outcome.ReceivedAt,
                outcome.CorrelationId,
                rejection);
        }

        var version = outcome.Version!.Value;
        var settled = committed.SettledVersion >= version;
        var applied = new IntentStage("applied", IntentStageState.Done, outcome.DecidedAt, Attempts: 1, Detail: $"Version {version}.");
        var settleBy = outcome.DecidedAt + options.StalenessBound;
        var consumers = options.RequiredConsumers
            .Select(name => new IntentStage($"consumer:{name}", settled ? IntentStageState.Done : IntentStageState.Waiting, null))
            .ToList();
        var settledAt = options.RequiredConsumers.Count == 0 ? outcome.DecidedAt : (DateTimeOffset?)null;
        IReadOnlyList<IntentStage> timeline =
        [
            received,
            applied,
            .. consumers,
            new IntentStage("settled", settled ? IntentStageState.Done : IntentStageState.Pending, settled ? settledAt : null),
        ];

        var (state, code, message) = settled
            ? (IntentState.Settled, "settled", "Saved. Everything is up to date.")
            : now > settleBy
                ? (IntentState.InProgress, "applied-delayed", "Saved, but updating everywhere is taking longer than usual.")
                : (IntentState.InProgress, "applied-settling", "Saved. Updating everywhere…");

        return new IntentStatus(
            resource.Type,
            resource.Id,
            outcome.IdempotencyKey,
            state,
            code,
            message,
            version,
            committed.SettledVersion,
            committed.Version,
            timeline,
            settled ? null : settleBy,
            outcome.ReceivedAt,
            outcome.CorrelationId,
            Rejection: null);
    }

    private static string RejectionMessage(IntentRejection rejection) => rejection.Code switch
    {
        IntentRejection.VersionMismatch => $"Not saved: someone changed this first (it is now at version {rejection.CurrentVersion}). Reload it and try again.",
        _ => $"Not saved: {rejection.Reason}",
    };
}
