namespace OrleansConsistency.Runtime.Storage;

/// <summary>
/// Marks a grain constructor parameter of type <see cref="IPersistentState{TState}"/> to be bound to stored state.
/// </summary>
/// <param name="stateName">The state's name within the grain; a grain may hold several.</param>
/// <param name="storageName">The storage provider's name; null means the silo's default provider.</param>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName, string? storageName = null) : Attribute
{
    /// <summary>The state's name within the grain.</summary>
    public string StateName { get; } = stateName;

    /// <summary>The storage provider's name; null means the default provider.</summary>
    public string? StorageName { get; } = storageName;
}
