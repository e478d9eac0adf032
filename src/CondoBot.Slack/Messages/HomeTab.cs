using System.Text.Json.Nodes;
using CondoBot.Core.Identity;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;

namespace CondoBot.Slack.Messages;

/// <summary>
/// The App Home tab: a Start button (the start form), the person's sessions with their state, node and time left and
/// the buttons each can use (Stop, Send tunnel, Renew), and their linked login with Check key. It never carries a
/// JupyterLab token: Send tunnel sends the instructions by DM.
/// </summary>
public static class HomeTab
{
    /// <summary>Slack takes at most 100 blocks in a view; each session uses two, the rest of the tab at most eight.</summary>
    public const int MostSessions = 40;

    public static JsonObject Render(IReadOnlyList<SessionView> sessions, UserLink? link, string loginHost)
    {
        var blocks = new JsonArray
        {
            Block.Section("*JupyterLab on the cluster*"),
            Block.Actions("home_start", [Buttons.StartFormButton()]),
        };
        if (sessions.Count == 0) blocks.Add(Block.Context("You have no sessions. *Start JupyterLab* opens the start form."));
        foreach (var s in sessions.Take(MostSessions))
        {
            blocks.Add(Block.Section(Mrkdwn.Escape("• " + NoticeText.StatusLine(s))));
            var buttons = Actions(s).ToList();
            if (buttons.Count > 0) blocks.Add(Block.Actions("home_" + s.Id, buttons));
        }

        if (sessions.Count > MostSessions) blocks.Add(Block.Context(Mrkdwn.Escape($"and {sessions.Count - MostSessions} more: `/condo status` lists them all.")));
        blocks.Add(Block.Section(link is null
            ? Mrkdwn.Escape("No cluster login linked yet: `/condo key UID` links yours and gives you a key to authorize once.")
            : Mrkdwn.Escape($"Linked to cluster login `{link.Login}` on {loginHost}, key created {link.CreatedAt.UtcDateTime:yyyy-MM-dd} UTC.")));
        if (link is not null) blocks.Add(Block.Actions("home_key", [Buttons.KeyCheckButton()]));
        return new JsonObject { ["type"] = "home", ["blocks"] = blocks };
    }

    private static IEnumerable<JsonObject> Actions(SessionView s)
    {
        if (s.JobId is not { } job || !s.State.IsActive() || s.State == SessionState.Stopping) yield break;
        yield return Buttons.StopButton(job);
        if (s.State == SessionState.Ready) yield return Block.Button(Buttons.SendAgain, "Send tunnel", job.ToString());
        if (!s.HasFollowOn) yield return Buttons.RenewButton(job);
    }
}
