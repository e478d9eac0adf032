namespace CondoBot.Cluster.Ssh;

/// <summary>POSIX shell quoting: every value the bot puts on a remote command line goes through here exactly once.</summary>
public static class ShellQuote
{
    /// <summary>Wraps in single quotes; an embedded single quote becomes <c>'\''</c>. NUL cannot be quoted and is refused.</summary>
    public static string Quote(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal)) throw new ArgumentException("A shell argument cannot contain NUL.", nameof(value));
        if (value.Length > 0 && value.All(IsPlain)) return value;
        return "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    /// <summary>Joins an argv into one command line.</summary>
    public static string Join(IEnumerable<string> argv) => string.Join(' ', argv.Select(Quote));

    private static bool IsPlain(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.' or '/' or '=' or ':' or ',' or '%' or '@' or '+';
}
