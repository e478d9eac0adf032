using System.Globalization;
using CondoBot.Core;
using CondoBot.Core.Clusters;

namespace CondoBot.Cluster.Slurm;

/// <summary>Parsers for what sbatch, squeue and the job's connection file print. Total: odd output never throws.</summary>
public static class SlurmOutput
{
    /// <summary><c>sbatch --parsable</c> prints <c>ID</c>, or <c>ID;cluster</c> under federation.</summary>
    public static SlurmJobId? ParseSubmitted(string stdout)
    {
        var first = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return first is not null && SlurmJobId.TryParse(first.Split(';')[0], out var id) ? id : null;
    }

    /// <summary>Slurm's own reason from an error, without the tool's prefixes: "Invalid account or ...".</summary>
    public static string ErrorReason(string stderr, string fallback)
    {
        var line = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)) ?? stderr.Trim();
        foreach (var prefix in new[] { "sbatch: error:", "squeue: error:", "scancel: error:", "Batch job submission failed:" })
        {
            var at = line.IndexOf(prefix, StringComparison.Ordinal);
            if (at >= 0) line = line[(at + prefix.Length)..].Trim();
        }

        return line.Length == 0 ? fallback : line;
    }

    /// <summary>Finds the job whose comment names the session in <c>%i|%k</c> lines.</summary>
    public static SlurmJobId? FindBySession(string stdout, SessionId session)
    {
        var comment = SlurmCommands.Comment(session);
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bar = line.IndexOf('|', StringComparison.Ordinal);
            if (bar > 0 && line[(bar + 1)..] == comment && SlurmJobId.TryParse(line[..bar], out var id)) return id;
        }

        return null;
    }

    /// <summary>
    /// Reads a poll: a <c>%i|%T|%N|%L|%S|%r|%e|%D</c> line, the marker with squeue's exit status and the login node's UTC
    /// offset (Slurm prints times in the cluster's local time), then the connection file.
    /// </summary>
    public static JobSnapshot ParsePoll(string stdout, SlurmJobId job)
    {
        var marker = stdout.IndexOf(SlurmCommands.PollMarker, StringComparison.Ordinal);
        var squeue = marker >= 0 ? stdout[..marker] : stdout;
        var rest = marker >= 0 ? stdout[(marker + SlurmCommands.PollMarker.Length)..] : "";
        var newline = rest.IndexOf('\n', StringComparison.Ordinal);
        var connection = newline >= 0 ? rest[(newline + 1)..] : "";
        var markerFields = (newline >= 0 ? rest[..newline] : rest).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var offset = markerFields.Length > 1 ? ParseOffset(markerFields[1]) : TimeSpan.Zero;

        var prefix = job + "|";
        var line = squeue.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        // Not listed (or "Invalid job id"): Slurm has purged the job, so how it ended is no longer known.
        return line is null ? Gone : ParseJobLine(line, offset, connection);
    }

    /// <summary>
    /// Reads a <see cref="SlurmCommands.Board"/> look: squeue's lines by job, the marker (squeue's exit status, the UTC
    /// offset), then <c>.condobot/SESSION.conn:key=value</c> lines gathered by session. Null without the marker.
    /// </summary>
    public static BoardOutput? ParseBoard(string stdout)
    {
        var marker = stdout.IndexOf(SlurmCommands.PollMarker, StringComparison.Ordinal);
        if (marker < 0) return null;
        var rest = stdout[(marker + SlurmCommands.PollMarker.Length)..];
        var newline = rest.IndexOf('\n', StringComparison.Ordinal);
        var markerFields = (newline >= 0 ? rest[..newline] : rest).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var exit = markerFields.Length > 0 && int.TryParse(markerFields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var e) ? e : -1;
        var offset = markerFields.Length > 1 ? ParseOffset(markerFields[1]) : TimeSpan.Zero;

        var lines = new Dictionary<SlurmJobId, string>();
        foreach (var line in stdout[..marker].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bar = line.IndexOf('|', StringComparison.Ordinal);
            if (bar > 0 && SlurmJobId.TryParse(line[..bar], out var id)) lines[id] = line;
        }

        var files = new Dictionary<SessionId, System.Text.StringBuilder>();
        foreach (var line in (newline >= 0 ? rest[(newline + 1)..] : "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            const string folder = ".condobot/";
            if (colon <= folder.Length || !line.StartsWith(folder, StringComparison.Ordinal)) continue;
            var name = line[folder.Length..colon];
            // The connection file and the activity file have no key in common: one text per session holds both.
            var suffix = name.EndsWith(".conn", StringComparison.Ordinal) ? ".conn" : name.EndsWith(".activity", StringComparison.Ordinal) ? ".activity" : null;
            if (suffix is null || !SessionId.TryParse(name[..^suffix.Length], out var session)) continue;
            if (!files.TryGetValue(session, out var text)) files[session] = text = new();
            text.Append(line[(colon + 1)..]).Append('\n');
        }

        return new BoardOutput(exit, offset, lines, files.ToDictionary(f => f.Key, f => f.Value.ToString()));
    }

    public static JobSnapshot Gone { get; } = new(JobPhase.Gone, "GONE", null, null, null, null);

    /// <summary>One <c>%i|%T|%N|%L|%S|%r|%e|%D</c> line, with the login node's UTC offset and the job's connection file.</summary>
    internal static JobSnapshot ParseJobLine(string line, TimeSpan offset, string connection)
    {
        var f = line.Split('|');
        var state = f.Length > 1 ? f[1] : "";
        var phase = JobPhases.FromSlurm(state);
        var node = f.Length > 2 && f[2].Length > 0 && f[2] != "(null)" ? f[2] : null;
        var left = f.Length > 3 ? ParseTimeLeft(f[3]) : null;
        var start = f.Length > 4 ? ParseLocalTime(f[4], offset) : null;
        var reason = f.Length > 5 ? f[5] : null;
        // %e: for a running job when its walltime runs out, for an ended one when it ended; for a queued one a guess.
        var end = f.Length > 6 && phase != JobPhase.Pending ? ParseLocalTime(f[6], offset) : null;
        var nodes = f.Length > 7 && int.TryParse(f[7], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : (int?)null;
        var jupyter = phase is JobPhase.Running ? ParseConnectionFile(connection) : null;
        var activity = jupyter is null ? null : ParseActivityFile(connection);
        var pending = phase == JobPhase.Pending;
        return new JobSnapshot(phase, state, node, left, pending ? reason : null, jupyter, pending ? start : null)
        {
            // A job that never ran (cancelled in the queue) has Slurm's start and end at the moment it was cancelled.
            StartTime = pending || node is null ? null : start,
            EndTime = pending || node is null ? null : end,
            NodeCount = nodes,
            Activity = activity,
        };
    }

    /// <summary>
    /// The job's <c>SESSION.activity</c> lines (<c>last_activity</c>, <c>connections</c>, <c>busy_kernels</c>,
    /// <c>kernels</c>, <c>checked</c>; times in epoch seconds); null when absent or incomplete.
    /// </summary>
    public static LabActivity? ParseActivityFile(string text)
    {
        var values = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .GroupBy(kv => kv[0])
            .ToDictionary(g => g.Key, g => g.Last()[1]);
        long? Number(string key) => values.TryGetValue(key, out var v) && long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        const long latest = 253402300799; // 9999-12-31, the last second DateTimeOffset holds.
        var last = Number("last_activity");
        var at = Number("checked");
        var busy = Number("busy_kernels");
        if (last is not (>= 0 and <= latest) || at is not (>= 0 and <= latest) || busy is not (>= 0 and <= 100000)) return null;

        var connections = Number("connections") is >= 0 and <= 100000 and var c ? (int)c : 0;
        var kernels = Number("kernels") is >= 0 and <= 100000 and var k ? (int)k : 0;
        return new LabActivity(DateTimeOffset.FromUnixTimeSeconds(last.Value), connections, (int)busy.Value, kernels, DateTimeOffset.FromUnixTimeSeconds(at.Value));
    }

    /// <summary>sinfo's <c>%P|%a|%t|%D|%l</c> lines, folded into idle node counts per available partition.</summary>
    public static IReadOnlyList<IdlePartition> ParseIdlePartitions(string stdout) =>
        ParsePartitions(stdout)
            .Where(p => p.IdleNodes > 0)
            .Select(p => new IdlePartition(p.Name, p.IdleNodes, p.MaxTime))
            .ToList();

    /// <summary>
    /// sinfo's <c>%P|%a|%t|%D|%l</c> lines (one per partition and node state; the default partition's name ends in
    /// <c>*</c>), folded into one entry per available partition: all its nodes, and those plainly <c>idle</c> (not
    /// <c>idle*</c>, unreachable, nor <c>idle~</c>, powered down). Partitions that are down or drained are left out.
    /// </summary>
    public static IReadOnlyList<ClusterPartition> ParsePartitions(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('|'))
            .Where(f => f.Length >= 5 && f[1] == "up" && f[0].TrimEnd('*').Length > 0)
            .GroupBy(f => f[0].TrimEnd('*'))
            .Select(g => new ClusterPartition(
                g.Key,
                g.Where(f => f[2] == "idle").Sum(Count),
                g.Sum(Count),
                ParseTimeLeft(g.First()[4]),
                g.Any(f => f[0].EndsWith('*'))))
            .ToList();

    private static int Count(string[] fields) =>
        int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    /// <summary><c>date +%z</c>: <c>+0100</c>, <c>-0500</c>.</summary>
    internal static TimeSpan ParseOffset(string text) =>
        text.Length == 5 && (text[0] is '+' or '-')
        && int.TryParse(text.AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var h)
        && int.TryParse(text.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            ? (text[0] == '-' ? -1 : 1) * new TimeSpan(h, m, 0)
            : TimeSpan.Zero;

    /// <summary>squeue's <c>%S</c> (<c>2026-11-29T16:40:00</c> in the cluster's local time, or N/A).</summary>
    internal static DateTimeOffset? ParseLocalTime(string text, TimeSpan offset) =>
        DateTime.TryParseExact(text.Trim(), "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? new DateTimeOffset(local, offset)
            : null;

    /// <summary>squeue's <c>%L</c>: <c>[D-]HH:MM:SS</c>, <c>MM:SS</c>, or a word (INVALID, UNLIMITED, NOT_SET).</summary>
    public static TimeSpan? ParseTimeLeft(string text)
    {
        text = text.Trim();
        var days = 0;
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0)
        {
            if (!int.TryParse(text[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out days)) return null;
            text = text[(dash + 1)..];
        }

        var parts = text.Split(':');
        var n = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out n[i])) return null;
        }

        return parts.Length switch
        {
            3 => new TimeSpan(days, n[0], n[1], n[2]),
            2 => new TimeSpan(days, 0, n[0], n[1]),
            1 when dash > 0 => new TimeSpan(days, n[0], 0, 0),
            1 => TimeSpan.FromMinutes(n[0]),
            _ => null,
        };
    }

    /// <summary>The job's <c>key=value</c> connection file; null until it is complete.</summary>
    public static JupyterEndpoint? ParseConnectionFile(string text)
    {
        var values = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .GroupBy(kv => kv[0])
            .ToDictionary(g => g.Key, g => g.Last()[1]);
        // The file lives in the user's home: accept only what a node name, a socket path and a token can look like,
        // since these values end up in commands the user pastes.
        if (!values.TryGetValue("node", out var node) || node.Length is 0 or > 253 || !node.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')
            || !values.TryGetValue("token", out var token) || token.Length is < 16 or > 256 || !token.All(char.IsAsciiLetterOrDigit))
        {
            return null;
        }

        var kept = values.GetValueOrDefault("kept") == "1";
        if (values.TryGetValue("socket", out var socket))
        {
            return IsSocketPath(socket) ? JupyterEndpoint.OnSocket(node, socket, token) with { TokenKept = kept } : null;
        }

        return values.TryGetValue("port", out var portText) && int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            && port is > 0 and < 65536
            ? new JupyterEndpoint(node, port, token) { TokenKept = kept }
            : null;
    }

    /// <summary>
    /// An absolute path short enough for a Unix socket's address (107 bytes on Linux), of characters that mean the
    /// same in every shell and in ssh's <c>-L PORT:PATH</c> (no ':'), and without '..'.
    /// </summary>
    private static bool IsSocketPath(string path) =>
        path.Length is > 1 and <= 107 && path[0] == '/' && !path.Contains("..", StringComparison.Ordinal)
        && path.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '-' or '_');
}
