using System.Globalization;
using Microsoft.Extensions.Options;
using OrleansConsistency.Grains.Interfaces.Conflicts;

namespace OrleansConsistency.Grains.Resources;

/// <summary>
/// Validates the <c>Resources</c> settings at start-up (<c>ValidateOnStart</c>), so a silo with a setting that would
/// quietly break a promise refuses to start and names it: a retention of zero or less would forget every idempotency
/// key at once (a retry would apply twice), a negative clock skew would refuse every intent, a zero purge interval
/// would stop the purge job with a stack trace.
/// </summary>
public sealed class ResourcesOptionsValidator : IValidateOptions<ResourcesOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ResourcesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = GetErrors(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static List<string> GetErrors(ResourcesOptions options)
    {
        var errors = new List<string>();
        var section = ResourcesOptions.SectionName;
        RequirePositive(errors, $"{section}:IntentRetention", options.IntentRetention);
        RequirePositive(errors, $"{section}:PurgeInterval", options.PurgeInterval);
        RequireNotNegative(errors, $"{section}:MaxClockSkew", options.MaxClockSkew);
        RequireNotNegative(errors, $"{section}:RecentIntentsPerResource", options.RecentIntentsPerResource);
        RequireNotNegative(errors, $"{section}:SupersessionNotesPerResource", options.SupersessionNotesPerResource);
        RequireNotNegative(errors, $"{section}:MaxParkedConflictsPerResource", options.MaxParkedConflictsPerResource);
        AddTypeErrors(errors, $"{section}:Defaults", options.Defaults);
        foreach (var (type, typeOptions) in options.Types)
        {
            AddTypeErrors(errors, $"{section}:Types:{type}", typeOptions);
        }

        return errors;
    }

    private static void AddTypeErrors(List<string> errors, string path, ResourceTypeOptions options)
    {
        RequirePositive(errors, $"{path}:StalenessBound", options.StalenessBound);
        if (!ConflictPolicies.TryParse(options.ConflictPolicy, out _))
        {
            errors.Add($"{path}:ConflictPolicy '{options.ConflictPolicy}' is unknown; use one of {ConflictPolicies.Names}.");
        }
    }

    private static void RequirePositive(List<string> errors, string setting, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{setting} must be positive (was {value.ToString("c", CultureInfo.InvariantCulture)}).");
        }
    }

    private static void RequireNotNegative(List<string> errors, string setting, TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            errors.Add($"{setting} must not be negative (was {value.ToString("c", CultureInfo.InvariantCulture)}).");
        }
    }

    private static void RequireNotNegative(List<string> errors, string setting, int value)
    {
        if (value < 0)
        {
            errors.Add($"{setting} must not be negative (was {value.ToString(CultureInfo.InvariantCulture)}).");
        }
    }
}
