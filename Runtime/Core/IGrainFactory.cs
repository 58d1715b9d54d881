namespace OrleansConsistency.Runtime;

/// <summary>Creates grain references. A reference is cheap: it holds only the grain's id and can be kept and passed around.</summary>
public interface IGrainFactory
{
    /// <summary>Returns a reference to the grain of interface <typeparamref name="TGrainInterface"/> with the given key.</summary>
    /// <exception cref="ArgumentException">The key is empty or invalid.</exception>
    /// <exception cref="GrainInterfaceNotFoundException">No grain class implements the interface in this silo.</exception>
    TGrainInterface GetGrain<TGrainInterface>(string primaryKey)
        where TGrainInterface : IGrainWithStringKey;
}
