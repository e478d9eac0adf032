namespace CondoBot.Storage;

/// <summary>What a commit to the bot's SQLite file (write-ahead-log mode) waits for before its writer is answered.</summary>
public enum SqliteDurability
{
    /// <summary>The log's fsync (<c>synchronous = FULL</c>): a commit survives a killed process and a power cut.</summary>
    Full,

    /// <summary>
    /// The operating system only (<c>synchronous = NORMAL</c>): a commit survives a killed process, because it is in
    /// the OS's cache, but the last commits before a power cut or kernel crash can be lost; the file stays consistent.
    /// Commits no longer wait for the disk, which matters on a slow or busy one.
    /// </summary>
    Normal,
}
