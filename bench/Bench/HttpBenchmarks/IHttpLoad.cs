namespace OrleansConsistency.Bench.HttpBenchmarks;

/// <summary>A closed loop of HTTP clients against one server (wrk, or <see cref="HttpClient"/>s in this process).</summary>
internal interface IHttpLoad
{
    /// <summary>
    /// Runs <paramref name="clients"/> clients for <paramref name="length"/> and returns what completed in that window;
    /// <paramref name="windowOpening"/> is called just before it opens.
    /// </summary>
    Task<HttpCaseResult> RunWindowAsync(int clients, TimeSpan length, Action? windowOpening = null);
}
