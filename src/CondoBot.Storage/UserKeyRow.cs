using SQLite;

namespace CondoBot.Storage;

/// <summary>One delegated key as stored.</summary>
internal sealed class UserKeyRow
{
    [Column("chat_user")]
    public string ChatUser { get; set; } = "";

    [Column("login")]
    public string Login { get; set; } = "";

    [Column("public_key")]
    public string PublicKey { get; set; } = "";

    [Column("protected_private_key")]
    public byte[] ProtectedPrivateKey { get; set; } = [];

    [Column("created_at")]
    public long CreatedAt { get; set; }
}
