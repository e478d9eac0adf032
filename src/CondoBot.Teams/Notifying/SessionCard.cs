using System.Text.Json.Nodes;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using CondoBot.Core.Tunnels;
using CondoBot.Teams.Activities;

namespace CondoBot.Teams.Notifying;

/// <summary>
/// A session as an Adaptive Card (plain JSON; the Adaptive Cards SDK is not available): its state, the tunnel
/// commands once JupyterLab is ready, a Stop button while it runs, and Renew while it is ready with no follow-on queued
/// yet. The buttons act as whoever presses them, so on someone else's card they touch nothing. Commands are TextRuns, which Teams shows
/// verbatim, because TextBlock markdown would eat the underscores of a login name.
/// </summary>
public static class SessionCard
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";

    /// <summary>The message activity that carries the card (<paramref name="id"/> set for an update in place).</summary>
    public static JsonObject Activity(SessionView session, TunnelInstructions? tunnel, string? id = null)
    {
        var activity = new JsonObject { ["type"] = "message" };
        if (id is not null) activity["id"] = id;
        activity["summary"] = NoticeText.StatusLine(session);
        activity["attachments"] = new JsonArray(new JsonObject
        {
            ["contentType"] = ContentType,
            ["content"] = Card(session, tunnel),
        });
        return activity;
    }

    public static JsonObject Card(SessionView session, TunnelInstructions? tunnel)
    {
        var body = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "TextBlock",
                ["text"] = session.JobId is { } job ? $"JupyterLab, job {job}" : "JupyterLab",
                ["weight"] = "Bolder",
                ["size"] = "Medium",
            },
            Plain(NoticeText.StatusLine(session)),
        };

        // Why Slurm or the login node refused, in their own words: the same cases the core's text message spells out.
        if (session is { State: SessionState.Ended, EndDetail: { Length: > 0 } detail }
            && session.EndReason is EndReason.RejectedBySlurm or EndReason.NotAuthorized or EndReason.ClusterUnreachable)
        {
            body.Add(Plain(detail));
        }

        // Why a job ended before JupyterLab answered, read from its output; usage is in the status line above.
        if (session is { State: SessionState.Ended, Explanation: { Length: > 0 } why }) body.Add(Plain(why));

        var actions = new JsonArray();
        // The commands and the token are shown only while the session is ready; the ended card drops them.
        if (session.State == SessionState.Ready && tunnel is not null)
        {
            if (session.Continues is { } continues) body.Add(Plain(NoticeText.Continuation(continues)));
            body.Add(Plain("Inside the lab network, run on your computer:"));
            body.Add(Code(tunnel.Inside));
            if (tunnel.Outside is not null)
            {
                body.Add(Plain("Outside the lab network, hop through the external login host:"));
                body.Add(Code(tunnel.Outside));
            }

            body.Add(Plain("Then open:"));
            body.Add(Code(tunnel.Url));
            actions.Add(new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = "Open JupyterLab", ["url"] = tunnel.Url });
        }

        if (session.State is not (SessionState.Ended or SessionState.Stopping) && session.JobId is { } id)
        {
            if (session.State == SessionState.Ready && !session.HasFollowOn) actions.Add(Button("Renew", CommandText.RenewVerb, id));
            actions.Add(Button("Stop", CommandText.StopVerb, id));
        }

        var card = new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["version"] = "1.4",
            ["body"] = body,
        };
        if (actions.Count > 0) card["actions"] = actions;
        return card;
    }

    /// <summary>
    /// A button that comes back as the activity's value; <see cref="CommandText"/> turns it into <c>VERB JOBID</c> from
    /// whoever pressed it.
    /// </summary>
    internal static JsonObject Button(string title, string verb, Core.SlurmJobId job) => new()
    {
        ["type"] = "Action.Submit",
        ["title"] = title,
        ["data"] = new JsonObject { ["command"] = verb, ["job"] = job.ToString() },
    };

    internal static JsonObject Plain(string text) => RichText(new JsonObject { ["type"] = "TextRun", ["text"] = text });

    private static JsonObject Code(string text) =>
        RichText(new JsonObject { ["type"] = "TextRun", ["text"] = text, ["fontType"] = "Monospace" });

    private static JsonObject RichText(JsonObject run) => new()
    {
        ["type"] = "RichTextBlock",
        ["inlines"] = new JsonArray(run),
    };
}
