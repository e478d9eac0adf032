using SQLite;

namespace CondoBot.Storage;

/// <summary>One queued notice as stored: the payload is sealed JSON.</summary>
internal sealed class OutboxRow
{
    [Column("seq")]
    public long Seq { get; set; }

    [Column("recipient")]
    public string Recipient { get; set; } = "";

    [Column("payload")]
    public byte[] Payload { get; set; } = [];

    [Column("attempts")]
    public int Attempts { get; set; }
}
