namespace OrleansConsistency.Runtime.Cluster.Remote;

/// <summary>Why a remote call did not return a result.</summary>
/// <param name="Kind"><see cref="Thrown"/> (the grain or the runtime threw), <see cref="NotOwner"/> or <see cref="NotServing"/>.</param>
/// <param name="ExceptionType">The assembly-qualified type of the exception, so the caller can throw the same type.</param>
/// <param name="Message">The exception's message.</param>
internal sealed record RemoteCallError(string Kind, string? ExceptionType, string Message)
{
    /// <summary>The call ran and threw; the caller rethrows it.</summary>
    public const string Thrown = "thrown";

    /// <summary>The receiver does not own the grain in its view and the call may not hop further; the caller refreshes its view and retries.</summary>
    public const string NotOwner = "not-owner";

    /// <summary>The receiver lost its membership lease and serves nothing until it rejoins; the caller refreshes and retries.</summary>
    public const string NotServing = "not-serving";
}
