using System.Globalization;
using System.Text;
using CondoBot.Core.Commands;

namespace CondoBot.Core.Audit;

/// <summary>
/// What the audit trail keeps of a command: for a parsed command, its verb and the validated values only (rebuilt from
/// the command, never the user's text), so nothing a user typed beyond what the parser accepted is stored; for a
/// refused one, a short copy of the text without control characters.
/// </summary>
public static class AuditText
{
    public const int MaxRefusedLength = 200;

    /// <summary>
    /// The verb, as the audit trail's <see cref="AuditEntry.Action"/>: the command's type name in words, without
    /// <c>Command</c> (<c>KeyLinkCommand</c>: <c>key link</c>).
    /// </summary>
    public static string Verb(Command command)
    {
        var name = command.GetType().Name;
        if (name.EndsWith("Command", StringComparison.Ordinal)) name = name[..^"Command".Length];
        var words = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && words.Length > 0) words.Append(' ');
            words.Append(char.ToLowerInvariant(c));
        }

        return words.ToString();
    }

    /// <summary>The command in its canonical form, e.g. <c>start -A cnms -n 1 -t 2:00:00 --keep-alive</c>.</summary>
    public static string Describe(Command command) => command switch
    {
        StartCommand start => Start(start.Options),
        JobCommand { JobId: { } job } => $"{Verb(command)} {job}",
        KeepCommand keep => $"keep {keep.JobId} {keep.For:c}",
        KeyLinkCommand link => $"key {link.User}",
        _ => Verb(command),
    };

    /// <summary>The first word of a refused command, when it is one of the verbs; otherwise <c>unknown</c>.</summary>
    public static string RefusedVerb(string text)
    {
        var first = text.TrimStart().Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        if (first.StartsWith('/')) first = first[1..];
        return Verbs.Find(first)?.Name ?? "unknown";
    }

    /// <summary>At most <see cref="MaxRefusedLength"/> characters of <paramref name="text"/>, control characters removed.</summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var kept = new StringBuilder(Math.Min(text.Length, MaxRefusedLength));
        foreach (var c in text)
        {
            if (kept.Length >= MaxRefusedLength) break;
            if (char.IsControl(c) || char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format) continue;
            kept.Append(c);
        }

        return kept.ToString().Trim();
    }

    private static string Start(StartOptions o)
    {
        var parts = new List<string> { "start" };
        if (o.Account is { } account) parts.Add("-A " + account);
        parts.Add("-n " + o.Nodes.ToString(CultureInfo.InvariantCulture));
        if (o.LocalPortChosen) parts.Add("-p " + o.LocalPort.ToString(CultureInfo.InvariantCulture));
        parts.Add("-t " + o.Walltime.ToSlurm());
        if (o.Partition is { } partition) parts.Add("--partition " + partition);
        if (o.Gpus > 0) parts.Add("--gpus " + o.Gpus.ToString(CultureInfo.InvariantCulture));
        if (o.Cluster is { } cluster) parts.Add("--cluster " + cluster);
        if (o.Idle is { } idle) parts.Add("--idle " + (idle == TimeSpan.Zero ? "off" : idle.ToString("c", CultureInfo.InvariantCulture)));
        if (o.KeepAlive) parts.Add("--keep-alive");
        if (o.Verbose) parts.Add("-v");
        return string.Join(' ', parts);
    }
}
