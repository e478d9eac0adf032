using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;

namespace CondoBot.Slack.Messages;

/// <summary>
/// The short new message for the moments people wait for (ready, ended), posted beside the status message because
/// Slack notifies nobody of an edit. It never carries the JupyterLab token: the status message has the link.
/// </summary>
public static class MomentMessage
{
    /// <summary>The message for this update, or null when the update is not such a moment.</summary>
    public static SlackMessage? Render(SessionUpdate update)
    {
        var s = update.Session;
        var text = s.State switch
        {
            SessionState.Ready when update.Tunnel is { } tunnel =>
                $"JupyterLab is ready on {tunnel.Node} ({SessionFacts.Job(s).ToLowerInvariant()}, {SessionFacts.TimeLeft(s)}): the tunnel command and the link are in the status message.",
            SessionState.Ended => NoticeText.Render(update),
            _ => null,
        };
        return text is null ? null : SlackMessage.Plain(text);
    }
}
