using Microsoft.Extensions.DependencyInjection;

namespace OrleansConsistency.Runtime.Storage;

/// <summary>Creates the storage provider the options name.</summary>
internal static class StorageRegistration
{
    public static IGrainStorage CreateStorage(IServiceProvider services, StorageOptions options) =>
        string.Equals(options.Provider, MemoryGrainStorage.ProviderName, StringComparison.OrdinalIgnoreCase)
            ? new MemoryGrainStorage()
            : throw new NotSupportedException(options.Provider);
}
