using System.Globalization;
using System.Text.RegularExpressions;

namespace CondoBot.Core.Commands;

/// <summary>
/// Turns the text after <c>/condo</c> into a command. Pure and total: any input gives a command or a usage reply,
/// never an exception. Every value that will reach Slurm is checked here against what Slurm accepts.
/// </summary>
public static partial class CommandParser
{
    public const int MaxTextLength = 500;

    private delegate string? Apply(ref StartOptions options, string? value);

    private sealed record Flag(string Short, string Long, bool TakesValue, Apply Apply);

    // Adding a flag to start means adding a row here (and a case to the parser's test table).
    private static readonly Flag[] StartFlags =
    [
        new("-A", "--account", true, SetAccount),
        new("-n", "--nodes", true, SetNodes),
        new("-p", "--port", true, SetPort),
        new("-t", "--time", true, SetWalltime),
        new("-v", "--verbose", false, (ref StartOptions o, string? _) => { o = o with { Verbose = true }; return null; }),
        new("", "--partition", true, SetPartition),
        new("", "--gpus", true, SetGpus),
        new("", "--cluster", true, SetCluster),
        new("", "--env", true, SetEnvironment),
        new("", "--idle", true, SetIdle),
        new("", "--keep-alive", false, (ref StartOptions o, string? _) => { o = o with { KeepAlive = true }; return null; }),
    ];

    public static ParseResult Parse(string? text)
    {
        text ??= string.Empty;
        if (text.Length > MaxTextLength)
        {
            return ParseResult.Wrong($"That command is {text.Length} characters long; the most accepted is {MaxTextLength}.", Usage.Help);
        }

        if (text.Any(char.IsControl) && text.Any(c => char.IsControl(c) && !char.IsWhiteSpace(c)))
        {
            return ParseResult.Wrong("The command contains control characters, which are never accepted.", Usage.Help);
        }

        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var start = words.Length > 0 && string.Equals(words[0], "/condo", StringComparison.OrdinalIgnoreCase) ? 1 : 0;
        if (words.Length == start) return ParseResult.Of(new HelpCommand());

        var verb = Verbs.Find(words[start]);
        return verb is null
            ? ParseResult.Wrong($"Unknown command `{Shorten(words[start])}`. Commands: {Verbs.Names}.", Usage.Full)
            : verb.Parse(words.AsSpan(start + 1));
    }

    internal static ParseResult ParseStart(ReadOnlySpan<string> args)
    {
        var options = new StartOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var word = args[i];
            string? inlineValue = null;
            var eq = word.StartsWith("--", StringComparison.Ordinal) ? word.IndexOf('=', StringComparison.Ordinal) : -1;
            if (eq > 0)
            {
                inlineValue = word[(eq + 1)..];
                word = word[..eq];
            }

            var flag = Array.Find(StartFlags, f => f.Short == word || f.Long == word);
            if (flag is null)
            {
                var what = word.StartsWith('-') ? $"Unknown option `{Shorten(word)}` for start." : $"Unexpected word `{Shorten(word)}` for start.";
                return ParseResult.Wrong(what, Usage.Start);
            }

            string? value = null;
            if (flag.TakesValue)
            {
                value = inlineValue ?? (i + 1 < args.Length ? args[++i] : null);
                if (value is null || value.Length == 0)
                {
                    return ParseResult.Wrong($"Option `{word}` needs a value.", Usage.Start);
                }
            }
            else if (inlineValue is not null)
            {
                return ParseResult.Wrong($"Option `{word}` takes no value.", Usage.Start);
            }

            var error = flag.Apply(ref options, value);
            if (error is not null) return ParseResult.Wrong(error, Usage.Start);
        }

        return ParseResult.Of(new StartCommand(options));
    }

    internal static ParseResult NoArguments(ReadOnlySpan<string> args, string verb, Command command) =>
        args.Length == 0 ? ParseResult.Of(command) : Extra(verb, args[0]);

    /// <summary>A verb that takes at most one word, a job id.</summary>
    internal static ParseResult OptionalJob(ReadOnlySpan<string> args, string verb, Func<SlurmJobId?, Command> make)
    {
        if (args.Length == 0) return ParseResult.Of(make(null));
        if (args.Length > 1) return Extra(verb, args[1]);
        return SlurmJobId.TryParse(args[0], out var id)
            ? ParseResult.Of(make(id))
            : ParseResult.Wrong($"`{Shorten(args[0])}` is not a job id; a job id is a positive number such as 123456.", Usage.For(verb));
    }

    private static string? SetAccount(ref StartOptions options, string? value)
    {
        if (!SlurmName().IsMatch(value!)) return NameError("account", value!);
        options = options with { Account = value };
        return null;
    }

    private static string? SetPartition(ref StartOptions options, string? value)
    {
        if (!SlurmName().IsMatch(value!)) return NameError("partition", value!);
        options = options with { Partition = value };
        return null;
    }

    private static string? SetGpus(ref StartOptions options, string? value)
    {
        if (!TryInt(value!, out var gpus) || gpus is < 0 or > 16)
        {
            return $"`{Shorten(value!)}` is not a GPU count: use a whole number from 0 to 16.";
        }

        options = options with { Gpus = gpus };
        return null;
    }

    private static string? SetCluster(ref StartOptions options, string? value)
    {
        if (!ClusterName().IsMatch(value!))
        {
            return $"`{Shorten(value!)}` is not a cluster name: use letters, digits, `_` and `-`, at most 32 characters.";
        }

        options = options with { Cluster = value };
        return null;
    }

    private static string? SetEnvironment(ref StartOptions options, string? value)
    {
        if (!ClusterName().IsMatch(value!))
        {
            return $"`{Shorten(value!)}` is not an environment name: use letters, digits, `_` and `-`, at most 32 characters (`envs` lists them).";
        }

        options = options with { Environment = value };
        return null;
    }

    private static string? SetIdle(ref StartOptions options, string? value)
    {
        if (string.Equals(value, "off", StringComparison.OrdinalIgnoreCase))
        {
            options = options with { Idle = TimeSpan.Zero };
            return null;
        }

        if (IdleDuration.Parse(value!) is not { } idle)
        {
            return $"`{Shorten(value!)}` is not an idle time: use `off`, or {IdleDuration.AcceptedForms}, at most a year.";
        }

        options = options with { Idle = idle };
        return null;
    }

    private static string? SetNodes(ref StartOptions options, string? value)
    {
        if (!TryInt(value!, out var nodes) || nodes is < 1 or > 64)
        {
            return $"`{Shorten(value!)}` is not a node count: use a whole number from 1 to 64.";
        }

        options = options with { Nodes = nodes };
        return null;
    }

    private static string? SetPort(ref StartOptions options, string? value)
    {
        if (!TryInt(value!, out var port) || port is < 1024 or > 65535)
        {
            return $"`{Shorten(value!)}` is not a port you can open: use a whole number from 1024 to 65535.";
        }

        options = options with { LocalPort = port, LocalPortChosen = true };
        return null;
    }

    private static string? SetWalltime(ref StartOptions options, string? value)
    {
        var walltime = Walltime.Parse(value!);
        if (walltime is null)
        {
            return $"`{Shorten(value!)}` is not a walltime: use {Walltime.AcceptedForms}, at most a year.";
        }

        options = options with { Walltime = walltime.Value };
        return null;
    }

    private static bool TryInt(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && text.Length <= 6;

    private static string NameError(string what, string value) =>
        $"`{Shorten(value)}` is not a Slurm {what} name: use letters, digits, `_`, `.` and `-`, starting with a letter or digit, at most 64 characters.";

    internal static ParseResult Extra(string verb, string word) =>
        ParseResult.Wrong($"Unexpected `{Shorten(word)}` after `{verb}`.", Usage.For(verb));

    /// <summary>Echoes user text back safely: bounded, and without backticks that would break chat formatting.</summary>
    internal static string Shorten(string text)
    {
        var clean = text.Replace('`', '\'');
        return clean.Length <= 40 ? clean : string.Concat(clean.AsSpan(0, 40), "…");
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex SlurmName();

    [GeneratedRegex("^[a-z_][a-z0-9_-]{0,31}$", RegexOptions.CultureInvariant)]
    internal static partial Regex LoginName();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$", RegexOptions.CultureInvariant)]
    internal static partial Regex ClusterName();
}
