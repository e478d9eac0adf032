using CondoBot.Core;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using CondoBot.Core.Tunnels;

namespace CondoBot.Storage.Tests;

internal static class Samples
{
    public const string Token = "9f1c2b7e4d8a6f3b0c5e1d2a7b9c4e8f";

    public static readonly ChatUserId Alice = new("slack", "U0ALICE");
    public static readonly ChatUserId Bob = new("slack", "U0BOB");

    /// <summary>A session as first recorded: every optional field still empty.</summary>
    public static Session NewSession(ChatUserId owner, DateTimeOffset createdAt, int localPort = 8888) => new()
    {
        Id = SessionId.New(),
        Owner = owner,
        Login = new ClusterUser("alice"),
        Cluster = "condo",
        Account = "chem",
        Partition = "gpu",
        Nodes = 1,
        Walltime = TimeSpan.FromHours(2),
        LocalPort = localPort,
        NodePort = 8890,
        CreatedAt = createdAt,
    };

    /// <summary>A session with every field set to something other than its default.</summary>
    public static Session FullSession(DateTimeOffset createdAt)
    {
        var local = new TimeSpan(2, 0, 0);
        return new Session
        {
            Id = SessionId.New(),
            Owner = new ChatUserId("teams", "29:1a-b:c"),
            Login = new ClusterUser("a.user"),
            Cluster = "condo",
            Account = "physics",
            Partition = "batch",
            Nodes = 3,
            Walltime = new TimeSpan(1, 30, 15),
            LocalPort = 18888,
            NodePort = 28888,
            Verbose = true,
            CreatedAt = createdAt.ToOffset(local),
            State = SessionState.Ended,
            JobId = new SlurmJobId(4_294_967_301),
            Node = "node017",
            PendingReason = "Priority",
            SlurmState = "HIBERNATING",
            EndsAt = createdAt.AddHours(2),
            StartedAt = createdAt.AddMinutes(3).AddTicks(1234),
            ReadyAt = createdAt.AddMinutes(4),
            NextStepAt = createdAt.AddMinutes(5),
            EndedAt = createdAt.AddMinutes(50).ToOffset(local),
            EndReason = Core.Sessions.EndReason.OutOfMemory,
            EndDetail = "OUT_OF_MEMORY",
            PollToken = 7,
            Failures = 2,
            UnreachableSince = createdAt.AddMinutes(40),
            Gpus = 2,
            KeepAlive = true,
            FollowsJob = new SlurmJobId(4_294_967_300),
            FollowsSession = SessionId.New(),
            WaitingForPredecessorSince = createdAt.AddMinutes(3),
            LabPort = 28889,
            NodeCount = 3,
            Explanation = "The job ran out of memory before JupyterLab answered.",
            Environment = "pytorch",
            IdleAfter = TimeSpan.FromMinutes(45),
            LastActivity = createdAt.AddMinutes(10),
            IdleAskedAt = createdAt.AddMinutes(56),
            IdleKeptUntil = createdAt.AddMinutes(70),
            StoppedAsIdle = true,
            FollowOn = SessionId.New(),
            ExpectedStart = createdAt.AddMinutes(2),
            QueueHintSent = true,
            RemindersFor = createdAt.AddHours(2),
            RemindersSent = [900, 300],
            Version = 5,
            ToldUnreachable = true,
        };
    }

    public static TunnelInstructions Tunnel() => new(
        "node017",
        8888,
        "ssh -N -L 8888:node017:8890 alice@login.condo",
        "ssh -N -J alice@gate.condo -L 8888:node017:8890 alice@login.condo",
        ["On your computer: ssh -N -L 8888:localhost:8890 alice@gate.condo", "Open the link"],
        $"http://localhost:8888/lab?token={Token}");
}
