namespace OrleansConsistency.Bench.HttpBenchmarks;

/// <summary>What the plain endpoint answers: an HTTP status code and a JSON body (also what a replay answers).</summary>
internal sealed record PlainAnswer(int StatusCode, string Body);
