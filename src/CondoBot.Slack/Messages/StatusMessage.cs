using System.Text.Json.Nodes;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using CondoBot.Core.Tunnels;

namespace CondoBot.Slack.Messages;

/// <summary>
/// The one live message per session in the user's DM, redrawn in place at each change: queued, starting, ready (the
/// tunnel command and the URL), ended. Buttons are shown only while they can do something.
/// </summary>
public static class StatusMessage
{
    public static SlackMessage Render(SessionUpdate update)
    {
        var s = update.Session;
        var blocks = new JsonArray();
        foreach (var block in Headline(update)) blocks.Add(block);
        blocks.Add(Block.Context(SessionFacts.Request(s)));
        var buttons = Actions(s, update.Tunnel).ToList();
        if (buttons.Count > 0) blocks.Add(Block.Actions("session", buttons));
        return new SlackMessage(Mrkdwn.Escape(NoticeText.Summary(update)), blocks);
    }

    private static IEnumerable<JsonObject> Headline(SessionUpdate update)
    {
        var s = update.Session;
        var tunnel = update.Tunnel;
        var job = SessionFacts.Job(s);
        switch (s.State)
        {
            case SessionState.Queued:
                var reason = PendingReasons.Explain(s.PendingReason) is { } why ? $" ({Mrkdwn.Escape(why)})" : "";
                yield return Block.Section($"*{job} is queued* on {Mrkdwn.Escape(s.Cluster)}{reason}.\nThis message changes as the job moves; the tunnel command appears here when JupyterLab is ready.");
                break;
            case SessionState.Starting:
                yield return Block.Section($"*{job} is starting* on {Mrkdwn.Escape(s.Node ?? "its node")}; JupyterLab is on its way.");
                break;
            case SessionState.Ready when tunnel is not null:
                yield return Block.Section($"*JupyterLab is ready* on {Mrkdwn.Escape(tunnel.Node)} ({job.ToLowerInvariant()}, {SessionFacts.TimeLeft(s)}).");
                if (s.Continues is { } continues) yield return Block.Section(Mrkdwn.Escape(NoticeText.Continuation(continues)));
                yield return Block.Section("Inside the lab network, run on your computer:\n" + Mrkdwn.CodeBlock(tunnel.Inside));
                yield return Block.Section("Then open " + Mrkdwn.Escape(tunnel.Url));
                yield return Block.Context(Mrkdwn.Escape("When you are done: *Stop* (or File > Shut Down in JupyterLab), then Ctrl+C the tunnel."));
                break;
            case SessionState.Ended:
                foreach (var block in Block.Sections(Mrkdwn.Escape(NoticeText.Render(update)))) yield return block;
                break;
            default:
                yield return Block.Section(Mrkdwn.Escape(NoticeText.StatusLine(s)));
                break;
        }
    }

    private static IEnumerable<JsonObject> Actions(SessionView s, TunnelInstructions? tunnel)
    {
        if (s.JobId is not { } job || s.State is SessionState.Ended or SessionState.Stopping) yield break;
        yield return Buttons.StopButton(job);
        if (s.State != SessionState.Ready || tunnel is null) yield break;
        if (tunnel.Outside is not null) yield return Buttons.OutsideButton(job);
        yield return Buttons.SendAgainButton(job);
    }
}
