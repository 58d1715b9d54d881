using Microsoft.Extensions.Logging;

namespace OrleansConsistency.Storage.Clustering;

/// <summary>Log messages of the PostgreSQL clustering provider (source-generated).</summary>
internal static partial class ClusteringLog
{
    [LoggerMessage(301, LogLevel.Information, "Created the membership table version of cluster '{ClusterId}'.")]
    public static partial void VersionCreated(ILogger logger, string clusterId);

    [LoggerMessage(302, LogLevel.Warning, "Cluster '{ClusterId}' has no membership table version (were its entries deleted?); it reads as an empty table no write can succeed on.")]
    public static partial void VersionMissing(ILogger logger, string clusterId);

    [LoggerMessage(303, LogLevel.Warning, "Skipped a malformed suspicion vote '{Vote}' in the membership row of silo {Silo} of cluster '{ClusterId}'.")]
    public static partial void MalformedVote(ILogger logger, string vote, string silo, string clusterId);

    [LoggerMessage(304, LogLevel.Information, "Deleted {Count} dead membership rows of cluster '{ClusterId}' last updated before {Before:O}.")]
    public static partial void DefunctDeleted(ILogger logger, int count, string clusterId, DateTimeOffset before);

    [LoggerMessage(305, LogLevel.Information, "Deleted the membership table of cluster '{ClusterId}'.")]
    public static partial void ClusterDeleted(ILogger logger, string clusterId);

    [LoggerMessage(306, LogLevel.Debug, "The i-am-alive write of silo {Silo} of cluster '{ClusterId}' found no row.")]
    public static partial void IAmAliveWithoutRow(ILogger logger, string silo, string clusterId);

    [LoggerMessage(307, LogLevel.Debug, "Cluster '{ClusterId}' has no active gateway in the membership table.")]
    public static partial void NoGateways(ILogger logger, string clusterId);
}
