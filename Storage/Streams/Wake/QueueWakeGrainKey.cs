namespace OrleansConsistency.Storage.Streams.Wake;

/// <summary>The key of a silo's <see cref="IQueueWakeGrain"/>: the stream provider's name and the silo's address.</summary>
public static class QueueWakeGrainKey
{
    /// <summary>The key of <paramref name="silo"/>'s wake grain for the stream provider <paramref name="providerName"/>.</summary>
    public static string Of(string providerName, SiloAddress silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        return $"{providerName}/{silo.ToParsableString()}";
    }

    /// <summary>Splits a key into the provider's name and the silo's address; false when it is not a wake grain's key.</summary>
    public static bool TryParse(string key, out string providerName, out SiloAddress? silo)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        (providerName, silo) = (string.Empty, null);
        if (slash <= 0 || slash == key.Length - 1)
        {
            return false;
        }

        try
        {
            silo = SiloAddress.FromParsableString(key[(slash + 1)..]);
        }
        catch (FormatException)
        {
            return false;
        }

        providerName = key[..slash];
        return true;
    }
}
