namespace CondoBot.Core.Commands;

/// <summary>
/// Every chat verb, in the order <c>help</c> lists them. Adding a verb is a row here naming its command's parse
/// function, one file in <c>Handling/</c> holding the command, that parse function and the handler, and one line in
/// the dispatcher; <c>help</c>, the unknown-verb reply and the audit trail's verbs follow from this table, and tests
/// hold Slack's usage hint, Teams' command list, the README and the handlers to it.
/// </summary>
public static class Verbs
{
    public static readonly IReadOnlyList<Verb> All =
    [
        new("start", Usage.Start, [(Usage.Start, "submit a JupyterLab job")], CommandParser.ParseStart)
        {
            Details =
            [
                "-A ACCOUNT    Slurm account to charge (default: the cluster's default for you)",
                "-n NODES      number of nodes, 1 to 64 (default 1)",
                "-p PORT       port to open on your own computer, 1024 to 65535 (default 5959)",
                "-t WALLTIME   " + Walltime.AcceptedForms + " (default 30 minutes)",
                "-v            more detail in replies",
                "--partition NAME  Slurm partition (default: the cluster's)",
                "--gpus N      GPUs per node, 0 to 16 (default none)",
                "--cluster NAME    which cluster (default: the first configured)",
                "--env NAME    the cluster environment to run in (see `envs`; default: the cluster's)",
                "--idle DURATION   ask whether to stop JupyterLab once it has been idle this long (30m, 2h, ...), or `off` (default: the cluster's)",
                "--keep-alive  queue a follow-on session that starts when this one ends",
            ],
        },
        new("stop", Usage.Stop, "cancel a session (the only one you have, or the one with JOBID)",
            StopCommand.Parse),
        new("status", Usage.Status, "list your sessions", StatusCommand.Parse),
        new("tunnel", Usage.Tunnel, "send the connection instructions again",
            TunnelCommand.Parse),
        new("renew", Usage.Renew, "queue a follow-on session that starts when this one ends",
            RenewCommand.Parse),
        new("keep", Usage.Keep, "keep an idle session: I will not ask about it again before DURATION has passed", KeepCommand.Parse),
        new("envs", Usage.Envs, "list the environments `start --env` chooses from", EnvsCommand.Parse),
        new("key", Usage.Key,
            [
                ("key UID", "link your cluster login UID and get a key to authorize once"),
                ("key check", "check that the bot can log in with your key"),
                ("key revoke", "forget your key and remove its line from ~/.ssh/authorized_keys"),
            ],
            KeyCommands.Parse),
        new("help", Usage.Help, "this text", HelpCommand.Parse),
    ];

    /// <summary>The verb named <paramref name="name"/> (any case), or null.</summary>
    public static Verb? Find(string name) =>
        All.FirstOrDefault(v => string.Equals(v.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The verbs' names, comma-separated, for replies that list them.</summary>
    public static string Names => string.Join(", ", All.Select(v => v.Name));
}
