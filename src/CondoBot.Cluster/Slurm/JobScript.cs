namespace CondoBot.Cluster.Slurm;

/// <summary>
/// Where a session's job leaves what the bot reads. The batch script itself is written on the login node by the gate
/// (<c>Gate/condobot-gate.sh</c>), from the submit verb's checked values and the site's settings: it starts JupyterLab
/// with a fresh token that only ever travels in the environment, retries on another port if the chosen one is taken,
/// and writes this private connection file once JupyterLab answers.
/// </summary>
public static class JobScript
{
    /// <summary>The connection file's path relative to the user's home, where the bot reads it.</summary>
    public static string ConnectionFile(Core.SessionId session) => $".condobot/{session}.conn";
}
