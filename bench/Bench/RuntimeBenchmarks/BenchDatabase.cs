namespace OrleansConsistency.Bench.RuntimeBenchmarks;

/// <summary>A database a storage benchmark runs on.</summary>
/// <param name="Name">The name in the table, e.g. <c>SQLite</c>.</param>
/// <param name="Provider">The storage provider name (<c>StorageOptions.Provider</c>).</param>
/// <param name="Setup">How it is set up (version, durability settings), for the report.</param>
/// <param name="NewConnectionStringAsync">Creates a fresh, empty database and returns its connection string.</param>
public sealed record BenchDatabase(string Name, string Provider, string Setup, Func<Task<string>> NewConnectionStringAsync);
