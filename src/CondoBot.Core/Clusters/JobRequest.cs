using CondoBot.Core.Commands;

namespace CondoBot.Core.Clusters;

/// <summary>Everything needed to submit one session's job, every value already validated.</summary>
public sealed record JobRequest(
    SessionId Session,
    string Account,
    string Partition,
    int Nodes,
    Walltime Walltime,
    int NodePort);
