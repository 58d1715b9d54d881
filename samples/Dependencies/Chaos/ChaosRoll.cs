namespace OrleansConsistency.Dependencies.Chaos;

/// <summary>What chaos decided for one request.</summary>
public enum ChaosRoll
{
    /// <summary>Handled normally.</summary>
    Normal,

    /// <summary>Answered 500 before anything happens.</summary>
    Fail,

    /// <summary>The work is done, then the answer does not come (the caller times out).</summary>
    HangAfterWork,

    /// <summary>Answered 503: the service is down.</summary>
    Outage,
}
