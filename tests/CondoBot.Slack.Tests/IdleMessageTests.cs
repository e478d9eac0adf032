using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Commands;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using CondoBot.Slack.Messages;

namespace CondoBot.Slack.Tests;

/// <summary>The idle question on Slack: a new message whose buttons are Stop now and Keep 2 h.</summary>
public class IdleMessageTests
{
    private static IdleNotice Notice()
    {
        var now = DateTimeOffset.UtcNow;
        var session = Session.Create(SessionId.New(), new ChatUserId("slack", "U1"), new ClusterUser("condouser"),
            new ClusterProfile { Name = "local", LoginHost = "127.0.0.1" }, new StartOptions { Idle = TimeSpan.FromHours(1) }, 5959, 23456, now);
        session.JobId = new SlurmJobId(4242);
        session.State = SessionState.Ready;
        session.Node = "tnode01";
        session.StartedAt = now - TimeSpan.FromMinutes(62);
        return new IdleNotice(session.Owner, session.View(now), TimeSpan.FromMinutes(62), TimeSpan.FromMinutes(15));
    }

    [Fact]
    public void TheIdleQuestion_NotifiesWithItsFirstLine_AndCarriesStopNowAndKeepButtonsForTheJob()
    {
        var message = IdleMessage.Render(Notice());

        Assert.Equal("JupyterLab on tnode01 has been idle for 62 min (1 node, 1.03 node-hours so far).", message.Text);
        var buttons = message.Blocks[^1]!["elements"]!.AsArray();
        Assert.Equal(["Stop now", "Keep 2 h"], buttons.Select(b => b!["text"]!["text"]!.GetValue<string>()));
        Assert.Equal([Buttons.Stop, Buttons.Keep], buttons.Select(b => b!["action_id"]!.GetValue<string>()));
        Assert.All(buttons, b => Assert.Equal("4242", b!["value"]!.GetValue<string>()));
    }

    [Fact]
    public void TheKeepButton_IsTheKeepCommandForTwoHours() =>
        Assert.Equal("keep 4242 2h", Buttons.CommandFor(Buttons.Keep, "4242"));
}
