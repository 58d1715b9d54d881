namespace OrleansConsistency.Storage;

/// <summary>
/// Settings of the grain storage provider, bound from the configuration section <see cref="SectionName"/>.
/// </summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "Silo:Storage";

    /// <summary>The name of the embedded SQLite provider.</summary>
    public const string SqliteProvider = "sqlite";

    /// <summary>The name of the PostgreSQL provider.</summary>
    public const string PostgresProvider = "postgresql";

    /// <summary>The SQLite connection string used when <see cref="ConnectionString"/> is not set.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=./data/orleansconsistency.db";

    /// <summary>
    /// The provider: <see cref="SqliteProvider"/> (the default) or <see cref="PostgresProvider"/>; case-insensitive.
    /// </summary>
    public string Provider { get; set; } = SqliteProvider;

    /// <summary>
    /// The ADO.NET connection string. Optional for SQLite (<see cref="DefaultSqliteConnectionString"/>; the
    /// file's directory is created), required for PostgreSQL.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// True (the default) to commit writes that arrive together in one transaction; false for one transaction per
    /// write, the baseline group commit is measured against.
    /// </summary>
    public bool GroupCommit { get; set; } = true;

    /// <summary>The most writes one group-commit transaction holds; at least 1. Default 256.</summary>
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>
    /// How long a batch waits for more writes after its first one. Zero (the default) means a batch is whatever was
    /// queued while the previous transaction ran, so a lone write pays no extra latency.
    /// </summary>
    public TimeSpan MaxBatchDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// SQLite's <c>PRAGMA synchronous</c>: <c>FULL</c> (the default: a commit survives power loss) or
    /// <c>NORMAL</c> (in WAL mode a commit survives a process crash but may be lost on power loss).
    /// </summary>
    public string SqliteSynchronous { get; set; } = "FULL";

    /// <summary>
    /// How many storage transactions in a row must fail for want of the database (connection refused, dropped,
    /// timed out) before writes are refused at once instead of being tried (default 3; 0 turns the breaker off).
    /// </summary>
    public int BreakerFailureThreshold { get; set; } = 3;

    /// <summary>
    /// How long writes are refused once the breaker opened (default 5 s); after it, the next write is let through as a
    /// probe: its success closes the breaker, its failure opens it again. Also the <c>Retry-After</c> callers are given.
    /// </summary>
    public TimeSpan BreakerDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Faults injected from start-up (<c>Silo:Storage:Faults</c>); none by default.</summary>
    public StorageFaultSettings Faults { get; set; } = new();

    /// <summary>True when <see cref="Provider"/> names PostgreSQL.</summary>
    public bool IsPostgres => string.Equals(Provider, PostgresProvider, StringComparison.OrdinalIgnoreCase);

    /// <summary>The connection string to use, with the SQLite default applied.</summary>
    internal string EffectiveConnectionString =>
        string.IsNullOrWhiteSpace(ConnectionString) && !IsPostgres ? DefaultSqliteConnectionString : ConnectionString ?? string.Empty;

    /// <summary>
    /// Checks the options and throws <see cref="ArgumentException"/> naming every invalid setting.
    /// </summary>
    /// <exception cref="ArgumentException">At least one setting is invalid.</exception>
    public void Validate()
    {
        var errors = StorageOptionsValidator.GetErrors(this);
        if (errors.Count > 0)
        {
            throw new ArgumentException(
                $"Invalid storage options (section '{SectionName}'): {string.Join(" ", errors)}", nameof(StorageOptions));
        }
    }

    /// <summary>A copy, so that later changes to the bound options cannot change a running provider.</summary>
    internal StorageOptions Clone() => (StorageOptions)MemberwiseClone();
}
