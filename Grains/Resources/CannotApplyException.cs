namespace OrleansConsistency.Grains.Resources;

/// <summary>An operation does not fit the current document; the grain records it as a <c>cannot-apply</c> refusal.</summary>
internal sealed class CannotApplyException(string reason) : Exception(reason);
