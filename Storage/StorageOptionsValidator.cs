using Microsoft.Extensions.Options;

namespace OrleansConsistency.Storage;

/// <summary>
/// Validates <see cref="StorageOptions"/> for the options pipeline (<c>ValidateOnStart</c>), so a misconfigured
/// silo fails at start-up with a message that names the setting.
/// </summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = GetErrors(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static List<string> GetErrors(StorageOptions options)
    {
        var errors = new List<string>();
        var isSqlite = string.Equals(options.Provider, StorageOptions.SqliteProvider, StringComparison.OrdinalIgnoreCase);
        if (!isSqlite && !options.IsPostgres)
        {
            errors.Add($"Provider '{options.Provider}' is unknown; use '{StorageOptions.SqliteProvider}' or '{StorageOptions.PostgresProvider}'.");
        }

        if (options.IsPostgres && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            errors.Add($"ConnectionString is required when Provider is '{StorageOptions.PostgresProvider}'.");
        }

        if (options.MaxBatchSize < 1)
        {
            errors.Add($"MaxBatchSize must be at least 1 (was {options.MaxBatchSize}).");
        }

        if (options.MaxBatchDelay < TimeSpan.Zero)
        {
            errors.Add($"MaxBatchDelay must not be negative (was {options.MaxBatchDelay}).");
        }

        if (!string.Equals(options.SqliteSynchronous, "FULL", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(options.SqliteSynchronous, "NORMAL", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"SqliteSynchronous '{options.SqliteSynchronous}' is not allowed; use 'FULL' or 'NORMAL'.");
        }

        if (options.BreakerFailureThreshold < 0)
        {
            errors.Add($"BreakerFailureThreshold must not be negative (was {options.BreakerFailureThreshold}).");
        }

        if (options.BreakerDuration <= TimeSpan.Zero)
        {
            errors.Add($"BreakerDuration must be positive (was {options.BreakerDuration}).");
        }

        return errors;
    }
}
