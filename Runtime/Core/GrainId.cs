namespace OrleansConsistency.Runtime;

/// <summary>
/// Identifies one grain: its grain type (e.g. <c>resource</c>) and its key. There is at most one activation of a
/// grain id per silo, and the cluster routes every call for it to one owner.
/// </summary>
/// <param name="Type">The grain type name.</param>
/// <param name="Key">The grain's key.</param>
public readonly record struct GrainId(string Type, string Key)
{
    /// <summary>The longest key accepted; longer keys are refused rather than truncated.</summary>
    public const int MaxKeyLength = 1024;

    /// <summary>Creates a grain id after checking the key.</summary>
    /// <exception cref="ArgumentException">The key is empty, whitespace, too long or contains control characters.</exception>
    public static GrainId Create(string type, string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ValidateKey(key);
        return new GrainId(type, key);
    }

    /// <summary>Throws when a key cannot name a grain.</summary>
    /// <exception cref="ArgumentException">The key is empty, whitespace, too long or contains control characters.</exception>
    public static void ValidateKey(string key)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new ArgumentException("A grain key must not be empty or whitespace.", nameof(key));
        }

        if (key.Length > MaxKeyLength)
        {
            throw new ArgumentException($"A grain key must be at most {MaxKeyLength} characters; this one has {key.Length}.", nameof(key));
        }

        if (key.Any(char.IsControl))
        {
            throw new ArgumentException("A grain key must not contain control characters.", nameof(key));
        }
    }

    /// <summary>Returns <c>type/key</c>.</summary>
    public override string ToString() => $"{Type}/{Key}";
}
