using System.ComponentModel.DataAnnotations;

namespace CondoBot.Host;

/// <summary><c>Storage__...</c>: where the bot keeps its state.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

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

    /// <summary>
    /// SQLite only: <c>Full</c> (a command is acknowledged once its commit is on disk, surviving a power cut) or
    /// <c>Normal</c> (once it is with the operating system: it survives a killed process, not a power cut).
    /// </summary>
    public string SqliteDurability { get; set; } = nameof(Storage.SqliteDurability.Full);

    /// <summary>From <c>ConnectionStrings__CondoBot</c>, not from this section; required for Postgres.</summary>
    public string? ConnectionString { get; internal set; }

    /// <summary>The durability a setting names (any case; unset means <c>Full</c>), or null when it names none.</summary>
    public static Storage.SqliteDurability? DurabilityOf(string? setting)
    {
        if (string.IsNullOrWhiteSpace(setting)) return Storage.SqliteDurability.Full;
        foreach (var durability in Enum.GetValues<Storage.SqliteDurability>())
        {
            if (string.Equals(setting.Trim(), durability.ToString(), StringComparison.OrdinalIgnoreCase)) return durability;
        }

        return null;
    }

    public bool IsPostgres => string.Equals(Provider, Postgres, StringComparison.OrdinalIgnoreCase);
}
