namespace OrleansConsistency.Runtime.Activation;

/// <summary>A request, queued behind the calls before it, to deactivate an activation.</summary>
/// <param name="Reason">Why.</param>
/// <param name="OnlyIfIdle">When true (idle collection) the request is dropped if calls arrived in the meantime.</param>
internal sealed record DeactivationRequest(DeactivationReason Reason, bool OnlyIfIdle);
