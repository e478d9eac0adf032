namespace CondoBot.Core.Commands;

/// <summary>The accepted forms of every command, quoted by parse errors and by <c>help</c>.</summary>
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

    public static string For(string verb) => verb switch
    {
        "start" => Start,
        "stop" => Stop,
        "status" => Status,
        "tunnel" => Tunnel,
        "renew" => Renew,
        "keep" => Keep,
        "key" => Key,
        "envs" => Envs,
        _ => Help,
    };

    public static readonly string Full = string.Join('\n',
        "CondoBot starts JupyterLab on the cluster and tells you how to reach it.",
        "",
        $"  {Start}",
        "      -A ACCOUNT    Slurm account to charge (default: the cluster's default for you)",
        "      -n NODES      number of nodes, 1 to 64 (default 1)",
        "      -p PORT       port to open on your own computer, 1024 to 65535 (default 5959)",
        "      -t WALLTIME   " + Walltime.AcceptedForms + " (default 30 minutes)",
        "      -v            more detail in replies",
        "      --partition NAME  Slurm partition (default: the cluster's)",
        "      --gpus N      GPUs per node, 0 to 16 (default none)",
        "      --cluster NAME    which cluster (default: the first configured)",
        "      --env NAME    the cluster environment to run in (see `envs`; default: the cluster's)",
        "      --idle DURATION   ask whether to stop JupyterLab once it has been idle this long (30m, 2h, ...), or `off` (default: the cluster's)",
        "      --keep-alive  queue a follow-on session that starts when this one ends",
        $"  {Stop}           cancel a session (the only one you have, or the one with JOBID)",
        $"  {Status}               list your sessions",
        $"  {Tunnel}       send the connection instructions again",
        $"  {Renew}        queue a follow-on session that starts when this one ends",
        $"  {Keep}  keep an idle session: I will not ask about it again before DURATION has passed",
        $"  {Envs} list the environments `start --env` chooses from",
        "  key UID              link your cluster login UID and get a key to authorize once",
        "  key check            check that the bot can log in with your key",
        "  key revoke           forget your key and remove its line from ~/.ssh/authorized_keys",
        $"  {Help}                 this text");
}
