using System.Reflection;
using OrleansConsistency.Storage;
using Xunit.Sdk;

namespace OrleansConsistency.Storage.Tests.Storage;

/// <summary>Runs a theory once per storage provider; the test takes the provider name.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class StorageProvidersAttribute : DataAttribute
{
    /// <inheritdoc />
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) =>
        [[StorageOptions.SqliteProvider], [StorageOptions.PostgresProvider]];
}
