using System.Net;

namespace OrleansConsistency.Grains.Dependencies;

/// <summary>
/// The dependency answered, and its answer is no (a 4xx other than 408 and 429: declined, invalid, gone). Retrying
/// the same request cannot help, and it does not count against the dependency's health.
/// </summary>
public sealed class DependencyRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DependencyRejectedException() : base("The dependency refused the request.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DependencyRejectedException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public DependencyRejectedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an HTTP answer.</summary>
    public DependencyRejectedException(HttpStatusCode status, string message) : base(message)
    {
        StatusCode = status;
    }

    /// <summary>The HTTP status it answered with, when it was HTTP.</summary>
    public HttpStatusCode? StatusCode { get; }
}
