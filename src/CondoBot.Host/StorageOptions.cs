using System.ComponentModel.DataAnnotations;

namespace CondoBot.Host;

/// <summary><c>Storage__...</c>: where the bot keeps its state.</summary>
public sealed class StorageOptions
{
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";

    /// <summary>The data folder: the bot's database, Hangfire's, and the Data Protection key ring (SQLite provider).</summary>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; set; } = "data";

    /// <summary><c>Sqlite</c> (one instance, files in the data folder) or <c>Postgres</c> (several replicas, one database).</summary>
    [Required(AllowEmptyStrings = false)]
    public string Provider { get; set; } = Sqlite;

    /// <summary>Postgres only: how long a replica keeps the notices it claimed before another replica may deliver them.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan OutboxLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>From <c>ConnectionStrings__CondoBot</c>, not from this section; required for Postgres.</summary>
    public string? ConnectionString { get; set; }

    public bool IsPostgres => string.Equals(Provider, Postgres, StringComparison.OrdinalIgnoreCase);
}
