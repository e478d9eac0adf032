namespace CondoBot.Core.Clusters;

/// <summary>
/// A named environment of a cluster (<c>Clusters__NAME__Environments__ENV__...</c>), such as <c>pytorch</c> or
/// <c>rapids</c>: shell lines run after the cluster's <see cref="ClusterProfile.JobPreamble"/>, and the command that
/// starts JupyterLab in it. Written by operators and built into the gate; people only choose one by name.
/// </summary>
public sealed class ClusterEnvironment
{
    /// <summary>Shell lines run after the cluster's preamble (<c>module load pytorch/2.5</c>, <c>conda activate torch</c>).</summary>
    public string Preamble { get; set; } = "";

    /// <summary>The command that starts JupyterLab in this environment; empty: the cluster's <see cref="ClusterProfile.LaunchCommand"/>.</summary>
    public string LaunchCommand { get; set; } = "";

    /// <summary>One line for <c>envs</c> (what the environment holds).</summary>
    public string Description { get; set; } = "";
}
