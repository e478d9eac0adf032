namespace CondoBot.Core.Commands;

/// <summary>
/// The flags of <c>start</c>, as the user gave them. Unset values (null) take the cluster's defaults when the
/// session is created.
/// </summary>
public sealed record StartOptions
{
    public const int DefaultNodes = 1;
    public const int DefaultLocalPort = 5959;

    public string? Account { get; init; }

    public string? Partition { get; init; }

    public int Nodes { get; init; } = DefaultNodes;

    /// <summary>The port the user opens on their own computer.</summary>
    public int LocalPort { get; init; } = DefaultLocalPort;

    /// <summary>True when the user chose the port with -p, so it is not moved to avoid their other sessions.</summary>
    public bool LocalPortChosen { get; init; }

    public Walltime Walltime { get; init; } = Walltime.Default;

    public bool Verbose { get; init; }

    /// <summary>GPUs per node (GRES); 0 asks for none.</summary>
    public int Gpus { get; init; }

    /// <summary>The cluster to run on; null is the default (first configured) cluster.</summary>
    public string? Cluster { get; init; }

    /// <summary>The cluster environment to run in (<c>--env</c>); null is the cluster's default.</summary>
    public string? Environment { get; init; }

    /// <summary>Queue a follow-on session that starts when this one ends, so JupyterLab outlives one walltime.</summary>
    public bool KeepAlive { get; init; }

    /// <summary>
    /// How long JupyterLab may sit idle before the bot asks whether to stop it (<c>--idle</c>); <see cref="TimeSpan.Zero"/>
    /// is <c>--idle off</c>; null is the cluster's <c>IdleAfter</c>.
    /// </summary>
    public TimeSpan? Idle { get; init; }
}
