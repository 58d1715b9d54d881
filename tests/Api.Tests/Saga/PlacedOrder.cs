namespace OrleansConsistency.Api.Tests.Saga;

/// <summary>An order a test placed: what it holds and the key of its checkout intent.</summary>
internal sealed record PlacedOrder(string Id, string Key, IReadOnlyDictionary<string, long> Items, long AmountCents, string Email);
