namespace OrleansConsistency.Runtime.Hosting;

/// <summary>Work that must finish before the silo serves calls, such as schema migrations; run in registration order.</summary>
public interface ISiloStartupTask
{
    /// <summary>Runs the task.</summary>
    Task ExecuteAsync(CancellationToken cancellationToken);
}
