namespace OrleansConsistency.Api.Cluster;

/// <summary>
/// Reads the cluster's silos from Orleans (<see cref="IManagementGrain.GetDetailedHosts"/>, which works from a silo and
/// from a pure client) for <c>/health/ready</c> and <c>/ops/summary</c>. Orleans reads its membership table for each
/// such call, so one answer serves every caller for <see cref="ReuseFor"/>: probes and the operator page together ask
/// Orleans at most once a second. An answer that does not come within <see cref="AskTimeout"/> counts as none, so that
/// readiness answers in time instead of after Orleans' 30 s response timeout: a co-hosted silo then shows its own view
/// of the membership, a pure client no silo.
/// </summary>
internal sealed partial class ClusterSilos(IGrainFactory grains, IServiceProvider services, TimeProvider time, ILogger<ClusterSilos> logger)
{
    /// <summary>How long one answer is reused.</summary>
    public static readonly TimeSpan ReuseFor = TimeSpan.FromSeconds(1);

    /// <summary>How long Orleans is given to answer.</summary>
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How many dead silos are listed, the most recently started first.</summary>
    public const int DeadListed = 10;

    private readonly Lock _gate = new();
    private Task<SiloReport>? _current;
    private long _askedAt;

    /// <summary>The silos now (at most <see cref="ReuseFor"/> old); never throws.</summary>
    public Task<SiloReport> ReadAsync()
    {
        lock (_gate)
        {
            if (_current is null || (_current.IsCompleted && time.GetElapsedTime(_askedAt) >= ReuseFor))
            {
                _askedAt = time.GetTimestamp();
                _current = AskAsync();
            }

            return _current;
        }
    }

    private async Task<SiloReport> AskAsync()
    {
        var call = grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false);
        try
        {
            var entries = await call.WaitAsync(AskTimeout, time).ConfigureAwait(false);
            return Report([.. entries.Select(Member)], error: null);
        }
        catch (Exception exception)
        {
            // Whatever Orleans throws (no gateway, a silo gone, its membership table unreadable), readiness must
            // still answer; the call given up on may still fail later, unobserved by anyone else.
            _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            var error = exception is TimeoutException
                ? $"Orleans did not answer within {AskTimeout.TotalSeconds:0} s."
                : $"{exception.GetType().Name}: {exception.Message}";
            LogAskFailed(logger, error);
            return LocalView(error);
        }
    }

    /// <summary>
    /// When this process is a silo, its own view of the membership (no table read: the silo keeps it), without the
    /// times; a pure client has no view of its own and reports no silo.
    /// </summary>
    private SiloReport LocalView(string error)
    {
        if (services.GetService<IClusterMembershipService>() is not { } membership)
        {
            return new SiloReport(0, [], 0, error);
        }

        var members = membership.CurrentSnapshot.Members.Values
            .Select(m => new SiloMember(m.Name ?? string.Empty, m.SiloAddress.ToParsableString(), string.Empty, m.Status.ToString(), null, null))
            .ToList();
        return Report(members, $"{error} Shown: this silo's own view, without times.");
    }

    private static SiloReport Report(List<SiloMember> members, string? error)
    {
        var living = members.Where(m => m.Status != nameof(SiloStatus.Dead))
            .OrderBy(m => m.Status == nameof(SiloStatus.Active) ? 0 : 1)
            .ThenBy(m => m.Name, StringComparer.Ordinal)
            .ThenBy(m => m.Address, StringComparer.Ordinal);
        var dead = members.Where(m => m.Status == nameof(SiloStatus.Dead))
            .OrderByDescending(m => m.StartedAt)
            .ThenBy(m => m.Address, StringComparer.Ordinal)
            .ToList();
        return new SiloReport(
            members.Count(m => m.Status == nameof(SiloStatus.Active)),
            [.. living, .. dead.Take(DeadListed)],
            Math.Max(0, dead.Count - DeadListed),
            error);
    }

    private static SiloMember Member(MembershipEntry entry) => new(
        entry.SiloName ?? string.Empty,
        entry.SiloAddress.ToParsableString(),
        entry.HostName ?? string.Empty,
        entry.Status.ToString(),
        Utc(entry.StartTime),
        Utc(entry.IAmAliveTime));

    // Orleans' table keeps UTC times; a time never written is DateTime's default.
    private static DateTimeOffset? Utc(DateTime time) =>
        time == default ? null : new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc));

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cluster's silos could not be read: {Error}")]
    private static partial void LogAskFailed(ILogger logger, string error);
}
