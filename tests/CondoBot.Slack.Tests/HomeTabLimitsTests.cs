using CondoBot.Core;
using CondoBot.Core.Identity;
using CondoBot.Core.Sessions;
using CondoBot.Slack.Messages;
using CondoBot.Slack.Tests.Fakes;

namespace CondoBot.Slack.Tests;

/// <summary>The Home tab as drawn, held to Slack's Block Kit limits however many sessions a person has.</summary>
public class HomeTabLimitsTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly ChatUserId Owner = SlackUser.Id(SignedRequests.Team, "U0MANY");

    private static SessionView Ready(int n) => new Session
    {
        Id = SessionId.New(),
        Owner = Owner,
        Login = new ClusterUser("condouser"),
        Cluster = "local",
        Account = "cnms",
        Partition = "batch",
        Nodes = 2,
        Walltime = TimeSpan.FromHours(4),
        LocalPort = 5959,
        NodePort = 40000 + n,
        Gpus = 1,
        CreatedAt = Now.AddMinutes(-n),
        State = SessionState.Ready,
        JobId = new SlurmJobId(900000 + n),
        Node = "node" + n,
        StartedAt = Now.AddMinutes(-90),
        NodeCount = 2,
        EndsAt = Now.AddMinutes(150),
    }.View(Now);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(HomeTab.MostSessions)]
    [InlineData(HomeTab.MostSessions + 25)]
    public void TheTab_StaysWithinBlockKitLimits_WithAnyNumberOfSessions(int count)
    {
        var sessions = Enumerable.Range(1, count).Select(Ready).ToList();
        var link = new UserLink(Owner, new ClusterUser("condouser"), "ssh-ed25519 AAAA", Now.AddDays(-3));

        var view = HomeTab.Render(sessions, link, "login.example.org");

        Assert.Empty(BlockKitLimits.OfView(view));
        if (count > HomeTab.MostSessions)
        {
            Assert.Contains("and 25 more", view.ToJsonString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ARunningSession_ShowsItsTimeLeftNodeAndUsageSoFar()
    {
        var view = HomeTab.Render([Ready(1)], null, "login.example.org").ToJsonString();

        Assert.Contains("ready on node1, 2 h 30 min left, until 12:30 UTC", view, StringComparison.Ordinal);
        Assert.Contains("3.00 node-hours and 3.00 GPU-hours so far", view, StringComparison.Ordinal);
    }
}
