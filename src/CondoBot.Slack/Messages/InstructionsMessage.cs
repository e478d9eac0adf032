using System.Globalization;
using System.Text.Json.Nodes;
using CondoBot.Core.Notices;

namespace CondoBot.Slack.Messages;

/// <summary>
/// The connection instructions sent again as a new message ("Send again", <c>tunnel</c>), or the variant for people
/// outside the lab network: the jump through the external login host, and the steps for an ssh without <c>-J</c>.
/// </summary>
public static class InstructionsMessage
{
    public static SlackMessage Render(TunnelNotice notice, bool outside)
    {
        var s = notice.Session;
        var t = notice.Tunnel;
        var blocks = new JsonArray
        {
            Block.Section($"*Connection instructions for {SessionFacts.Job(s).ToLowerInvariant()}* on {Mrkdwn.Escape(t.Node)} ({SessionFacts.TimeLeft(s)})."),
        };
        if (outside && t.Outside is not null)
        {
            blocks.Add(Block.Section("Outside the lab network, hop through the external login host:\n" + Mrkdwn.CodeBlock(t.Outside)));
            if (t.StepByStep.Count > 0)
            {
                var steps = t.StepByStep.Select((step, i) => string.Create(CultureInfo.InvariantCulture, $"{i + 1}. {Mrkdwn.Escape(step)}"));
                blocks.Add(Block.Section("If your ssh has no `-J`:\n" + string.Join('\n', steps)));
            }
        }
        else
        {
            blocks.Add(Block.Section("Inside the lab network, run on your computer:\n" + Mrkdwn.CodeBlock(t.Inside)));
            if (t.Outside is not null)
            {
                blocks.Add(Block.Section("Outside the lab network, hop through the external login host:\n" + Mrkdwn.CodeBlock(t.Outside)));
            }
        }

        blocks.Add(Block.Section("Then open " + Mrkdwn.Escape(t.Url)));
        return new SlackMessage(Mrkdwn.Escape(NoticeText.Summary(notice)), blocks);
    }
}
