using Microsoft.Extensions.Logging;

namespace OrleansConsistency.Storage;

/// <summary>Log messages of the storage layer (source-generated, so disabled levels cost nothing).</summary>
internal static partial class StorageLog
{
    [LoggerMessage(1, LogLevel.Warning, "A batch of {Count} writes failed with a database error; retrying them one transaction each.")]
    public static partial void BatchIsolated(ILogger logger, int count, Exception exception);

    [LoggerMessage(2, LogLevel.Error, "{Count} writes failed before commit; nothing of them was written.")]
    public static partial void WritesFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(3, LogLevel.Error, "COMMIT of {Count} writes failed; their outcome is reported as {Outcome}.")]
    public static partial void CommitFailed(ILogger logger, int count, string outcome, Exception exception);

    [LoggerMessage(4, LogLevel.Information, "Applied storage migration {Version} ({Name}) to the {Provider} database.")]
    public static partial void MigrationApplied(ILogger logger, int version, string name, string provider);

    [LoggerMessage(5, LogLevel.Error, "The group-commit loop failed unexpectedly; {Count} writes of the batch were failed.")]
    public static partial void LoopFailed(ILogger logger, int count, Exception exception);
}
