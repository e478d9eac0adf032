namespace CondoBot.Core.Commands;

/// <summary>Parses the words after a verb into its command, or a usage reply.</summary>
public delegate ParseResult VerbParser(ReadOnlySpan<string> args);

/// <summary>
/// One chat verb, as the parser's table holds it: its name, its accepted form (quoted by parse errors, listed by
/// <c>help</c> and in Slack's usage hint), its help lines, and how the words after it are parsed.
/// </summary>
/// <param name="Name">The word people type, lowercase.</param>
/// <param name="Usage">The accepted form, e.g. <c>stop [JOBID]</c>.</param>
/// <param name="Help">Each form with what it does, one help line each.</param>
/// <param name="Parse">Turns the words after the verb into its command.</param>
public sealed record Verb(string Name, string Usage, IReadOnlyList<(string Form, string Says)> Help, VerbParser Parse)
{
    /// <summary>Lines shown under the verb's forms in <c>help</c> (start's options).</summary>
    public IReadOnlyList<string> Details { get; init; } = [];

    /// <summary>A verb with one form, whose help line is <paramref name="says"/>.</summary>
    public Verb(string name, string usage, string says, VerbParser parse)
        : this(name, usage, [(usage, says)], parse)
    {
    }
}
