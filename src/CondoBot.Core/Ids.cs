using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace CondoBot.Core;

/// <summary>One JupyterLab session the bot manages; also carried in the Slurm job's comment.</summary>
public readonly record struct SessionId(Guid Value)
{
    /// <summary>
    /// A new id, in the order of creation (a version 7 id: milliseconds since 1970, then random bits), so a new session's
    /// rows go at the end of every index keyed by it instead of into a random page of each, which each commit would
    /// then write out whole.
    /// </summary>
    public static SessionId New() => new(Guid.CreateVersion7());

    /// <summary>
    /// A stable id computed from another session's, so that a step run twice creates the same session, not two.
    /// </summary>
    public static SessionId Derive(SessionId from, string purpose)
    {
        var bytes = System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"{from}/{purpose}"));
        return new SessionId(new Guid(bytes.AsSpan(0, 16)));
    }

    public static bool TryParse(string? text, out SessionId id)
    {
        var ok = Guid.TryParseExact(text, "N", out var guid);
        id = new SessionId(guid);
        return ok;
    }

    public override string ToString() => Value.ToString("N");
}

/// <summary>A Slurm job id as sbatch printed it (without any ";cluster" suffix).</summary>
public readonly record struct SlurmJobId(long Value)
{
    public static bool TryParse(string? text, out SlurmJobId id)
    {
        var ok = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0;
        id = new SlurmJobId(ok ? value : 0);
        return ok;
    }

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A person on one chat platform: the platform's name and its own id for them.</summary>
public readonly record struct ChatUserId(string Platform, string Id)
{
    public override string ToString() => $"{Platform}:{Id}";

    public static bool TryParse(string? text, [NotNullWhen(true)] out ChatUserId? id)
    {
        id = null;
        var colon = text?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (colon <= 0 || colon == text!.Length - 1) return false;
        id = new ChatUserId(text[..colon], text[(colon + 1)..]);
        return true;
    }
}

/// <summary>A login name on a cluster (the UID the user logs in as).</summary>
public readonly record struct ClusterUser(string Value)
{
    public override string ToString() => Value;
}
