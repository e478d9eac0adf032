using System.Security.Cryptography;
using System.Text.Json;
using CondoBot.Core.Diagnostics;
using CondoBot.Core.Notices;
using CondoBot.Storage.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CondoBot.Storage;

/// <summary>
/// Seals and opens queued notices, one row at a time. A row that cannot be opened (its key lost from the key ring, a
/// notice type this build no longer knows) would otherwise fail every delivery round and hold up everyone's messages:
/// it is reported here once, when its store sets it aside (kept, for an operator to look at, and never handed out
/// again), and the other rows are delivered.
/// </summary>
public sealed partial class OutboxRows(ISecretProtector protector, ILogger? logger = null, CondoBotMetrics? metrics = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    public byte[] Seal(Notice notice) => protector.Protect(JsonSerializer.SerializeToUtf8Bytes<Notice>(notice, StorageJson.Options));

    /// <summary>Opens one row; null (after logging why, without its contents) when it cannot be opened.</summary>
    public Notice? TryOpen(long sequence, string recipient, byte[] payload)
    {
        try
        {
            return JsonSerializer.Deserialize<Notice>(protector.Unprotect(payload), StorageJson.Options)
                ?? throw new JsonException("The notice was stored as null.");
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException or NotSupportedException or FormatException)
        {
            LogSetAside(sequence, PlatformOf(recipient), ex.GetType().Name, ex.Message);
            metrics?.NoticeSetAside();
            return null;
        }
    }

    /// <summary>The platform part of a recipient (<c>slack:T:U</c>): the person's id stays out of the log.</summary>
    private static string PlatformOf(string recipient) => recipient.Split(':', 2)[0];

    [LoggerMessage(Level = LogLevel.Error, Message = "Set aside queued notice {Sequence} for {Platform}: it cannot be opened ({Error}: {Reason}); it stays in the outbox, and the other notices are delivered")]
    private partial void LogSetAside(long sequence, string platform, string error, string reason);
}
