namespace OrleansConsistency.Runtime.Storage;

/// <summary>Creates the empty value a state starts from when nothing is stored.</summary>
internal static class PersistentStateFactory
{
    public static object CreateEmpty(Type stateType) =>
        stateType == typeof(string)
            ? string.Empty
            : Activator.CreateInstance(stateType)
              ?? throw new StateSerializationException($"State type {stateType.FullName} cannot be created empty.");
}
