using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using OrleansConsistency.Api.Access;
using OrleansConsistency.Api.Limits;

namespace OrleansConsistency.Api;

/// <summary>
/// The start-up checks of the <c>Api</c> section (<c>ValidateOnStart</c>): every setting that is out of range is
/// reported at once, each naming its full configuration path and the value it had, so one start tells everything to
/// fix. Hand-written rather than data annotations or a generated <c>[OptionsValidator]</c>: their messages cannot
/// carry the configuration path and the value, and the generator drops <c>ErrorMessage</c> on some <c>[Range]</c>s.
/// </summary>
internal sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    private const string Section = ApiOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        AtLeast(errors, $"{Section}:MaxBodyBytes", options.MaxBodyBytes, 1, "must be positive");
        AtLeast(errors, $"{Section}:GrainCallTimeout", options.GrainCallTimeout, TimeSpan.Zero, "must not be negative");
        AtLeast(errors, $"{Section}:RetryAfterSeconds", options.RetryAfterSeconds, 1, "must be positive");
        AtLeast(errors, $"{Section}:ReadYourWritesWait", options.ReadYourWritesWait, TimeSpan.Zero, "must not be negative");
        AtLeast(errors, $"{Section}:MaxPreferWait", options.MaxPreferWait, TimeSpan.FromSeconds(1), "must be at least one second");
        AtLeast(errors, $"{Section}:EventsHeartbeat", options.EventsHeartbeat, TimeSpan.FromTicks(1), "must be positive");
        AtLeast(errors, $"{Section}:EventsBufferSize", options.EventsBufferSize, 1, "must be positive");
        AtLeast(errors, $"{Section}:MaxOpenEventStreams", options.MaxOpenEventStreams, 1, "must be positive");
        AtLeast(errors, $"{Section}:MaxRequestTimeout", options.MaxRequestTimeout, TimeSpan.FromMilliseconds(1), "must be at least 1 ms");
        foreach (var (endpoint, timeout) in options.RequestTimeouts)
        {
            AtLeast(errors, $"{Section}:RequestTimeouts:{endpoint}", timeout, TimeSpan.Zero, "must not be negative");
        }

        AtLeast(errors, $"{Section}:DeadlineReserve", options.DeadlineReserve, TimeSpan.Zero, "must not be negative");
        AtLeast(errors, $"{Section}:TrendInterval", options.TrendInterval, TimeSpan.FromMilliseconds(100), "must be at least 100 ms");
        AtLeast(errors, $"{Section}:LoadShedding:MaxConcurrentRequests", options.LoadShedding.MaxConcurrentRequests, 1, "must be positive");
        AtLeast(errors, $"{Section}:LoadShedding:QueueLimit", options.LoadShedding.QueueLimit, 0, "must not be negative");
        AtLeast(errors, $"{Section}:LoadShedding:RetryAfterSeconds", options.LoadShedding.RetryAfterSeconds, 1, "must be positive");
        AddLimitErrors(errors, options.Limits);
        AddAuthErrors(errors, options.Auth);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void AddLimitErrors(List<string> errors, LimitsOptions limits)
    {
        var path = $"{Section}:Limits";
        AtLeast(errors, $"{path}:TenantRequestsPerSecond", limits.TenantRequestsPerSecond, 1, "must be positive");
        AtLeast(errors, $"{path}:TenantBurst", limits.TenantBurst, 1, "must be positive");
        AtLeast(errors, $"{path}:KeyRequestsPerSecond", limits.KeyRequestsPerSecond, 1, "must be positive");
        AtLeast(errors, $"{path}:KeyBurst", limits.KeyBurst, 1, "must be positive");
        AtLeast(errors, $"{path}:TenantMaxOpenEventStreams", limits.TenantMaxOpenEventStreams, 1, "must be positive");
        foreach (var (tenant, tenantLimits) in limits.Tenants)
        {
            // Each is optional (the tenant then has the default), but a value given must be usable.
            AtLeast(errors, $"{path}:Tenants:{tenant}:RequestsPerSecond", tenantLimits.RequestsPerSecond, 1, "must be positive when set");
            AtLeast(errors, $"{path}:Tenants:{tenant}:Burst", tenantLimits.Burst, 1, "must be positive when set");
            AtLeast(errors, $"{path}:Tenants:{tenant}:MaxOpenEventStreams", tenantLimits.MaxOpenEventStreams, 1, "must be positive when set");
        }
    }

    private static void AddAuthErrors(List<string> errors, AuthOptions auth)
    {
        var path = $"{Section}:Auth";
        AtLeast(errors, $"{path}:RefreshInterval", auth.RefreshInterval, TimeSpan.FromMilliseconds(50), "must be at least 50 ms");

        // The key itself is a secret: its length is said, never its value.
        if (auth.BootstrapKey is { } key)
        {
            if (key.Length < AuthOptions.MinBootstrapKeyLength)
            {
                errors.Add($"{path}:BootstrapKey must be at least {AuthOptions.MinBootstrapKeyLength} characters: it is a password that never expires (was {key.Length} characters).");
            }

            if (!key.All(c => c is > ' ' and < (char)127))
            {
                errors.Add($"{path}:BootstrapKey must be printable ASCII without spaces, so it fits a header.");
            }
        }

        if (auth.Jwt.Enabled)
        {
            var keyBytes = Encoding.UTF8.GetByteCount(auth.Jwt.SigningKey!);
            if (keyBytes < 32)
            {
                errors.Add($"{path}:Jwt:SigningKey must be at least 32 bytes (was {keyBytes.ToString(CultureInfo.InvariantCulture)} bytes).");
            }

            if (string.IsNullOrEmpty(auth.Jwt.Issuer) || string.IsNullOrEmpty(auth.Jwt.Audience))
            {
                errors.Add($"{path}:Jwt needs Issuer and Audience along with SigningKey (Issuer was '{auth.Jwt.Issuer}', Audience '{auth.Jwt.Audience}').");
            }
        }
    }

    private static void AtLeast(List<string> errors, string setting, long? value, long minimum, string rule)
    {
        if (value < minimum)
        {
            errors.Add($"{setting} {rule} (was {value.Value.ToString(CultureInfo.InvariantCulture)}).");
        }
    }

    private static void AtLeast(List<string> errors, string setting, TimeSpan value, TimeSpan minimum, string rule)
    {
        if (value < minimum)
        {
            errors.Add($"{setting} {rule} (was {value.ToString("c", CultureInfo.InvariantCulture)}).");
        }
    }
}
