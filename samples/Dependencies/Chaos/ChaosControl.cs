namespace OrleansConsistency.Dependencies.Chaos;

/// <summary>The service's current <see cref="ChaosSettings"/> and the dice it rolls per request.</summary>
public sealed class ChaosControl
{
    private ChaosSettings _settings = new();

    /// <summary>The settings now.</summary>
    public ChaosSettings Settings
    {
        get => Volatile.Read(ref _settings);
        set => Volatile.Write(ref _settings, value);
    }

    /// <summary>What happens to one request: it fails, hangs after its work, or goes through.</summary>
    public ChaosRoll Roll()
    {
        var settings = Settings;
        if (settings.Outage)
        {
            return ChaosRoll.Outage;
        }

#pragma warning disable CA5394 // Chaos needs a fair coin, not a secure one.
        var dice = Random.Shared.NextDouble();
#pragma warning restore CA5394
        return dice < settings.FailureRate ? ChaosRoll.Fail
            : dice < settings.FailureRate + settings.TimeoutRate ? ChaosRoll.HangAfterWork
            : ChaosRoll.Normal;
    }
}
