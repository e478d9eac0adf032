using System.ComponentModel.DataAnnotations;

namespace CondoBot.Host;

/// <summary><c>Storage__...</c>: where the bot keeps its state.</summary>
public sealed class StorageOptions
{
    /// <summary>The data folder: the bot's database, Hangfire's, and the Data Protection key ring.</summary>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; set; } = "data";
}
