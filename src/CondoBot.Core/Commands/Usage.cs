namespace CondoBot.Core.Commands;

/// <summary>The accepted forms of the commands, quoted by parse errors; <c>help</c>'s text, drawn from <see cref="Verbs"/>.</summary>
public static class Usage
{
    public const string Start =
        "start [-A ACCOUNT] [-n NODES] [-p PORT] [-t WALLTIME] [-v] [--partition NAME] [--gpus N] [--cluster NAME] [--env NAME] [--idle DURATION|off] [--keep-alive]";

    public const string Stop = "stop [JOBID]";
    public const string Status = "status";
    public const string Tunnel = "tunnel [JOBID]";
    public const string Renew = "renew [JOBID]";
    public const string Keep = "keep JOBID DURATION";
    public const string Key = "key UID | key check | key revoke";
    public const string Envs = "envs [--cluster NAME]";
    public const string Help = "help";

    /// <summary>Forms up to this long share their line with what they do; longer ones put it on the next.</summary>
    private const int FormColumn = 20;

    public static string For(string verb) => Verbs.Find(verb)?.Usage ?? Help;

    /// <summary>The accepted forms of every verb, as Slack's usage hint shows them.</summary>
    public static string Hint => string.Join(" | ", Verbs.All.Select(v => v.Usage));

    public static readonly string Full = string.Join('\n',
        new[] { "CondoBot starts JupyterLab on the cluster and tells you how to reach it.", "" }.Concat(Verbs.All.SelectMany(Lines)));

    private static IEnumerable<string> Lines(Verb verb)
    {
        foreach (var (form, says) in verb.Help)
        {
            if (form.Length <= FormColumn)
            {
                yield return "  " + form.PadRight(FormColumn + 1) + says;
            }
            else
            {
                yield return "  " + form;
                yield return "      " + says;
            }
        }

        foreach (var detail in verb.Details) yield return "      " + detail;
    }
}
