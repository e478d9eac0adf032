namespace CondoBot.Cluster.Ssh;

/// <summary>What one remote command printed and how it exited.</summary>
public sealed record RemoteOutput(int ExitStatus, string Stdout, string Stderr);
