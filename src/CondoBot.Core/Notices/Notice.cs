using System.Text.Json.Serialization;
using CondoBot.Core.Sessions;
using CondoBot.Core.Tunnels;

namespace CondoBot.Core.Notices;

/// <summary>
/// A direct message to one person, in platform-free terms; each front door renders it its own way. Notices wait in a
/// durable outbox until delivered, so none is lost when the bot or the chat platform is down.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(SessionUpdate), "session")]
[JsonDerivedType(typeof(TunnelNotice), "tunnel")]
[JsonDerivedType(typeof(TextNotice), "text")]
[JsonDerivedType(typeof(ReminderNotice), "reminder")]
[JsonDerivedType(typeof(IdleNotice), "idle")]
public abstract record Notice(ChatUserId To);

/// <summary>A session moved (queued, starting, ended). <see cref="Tunnel"/> is set when it became ready.</summary>
public sealed record SessionUpdate(ChatUserId To, SessionView Session, TunnelInstructions? Tunnel) : Notice(To)
{
    /// <summary>
    /// Already told by another message: the session ended by a key refusal that an earlier session of the same person
    /// met and was told about. A front door redraws the session's own status where it keeps one, but sends no new
    /// message, so a person with many sessions waiting hears of the refusal once, not once per session.
    /// </summary>
    public bool Quiet { get; init; }
}

/// <summary>The connection instructions, sent again on request.</summary>
public sealed record TunnelNotice(ChatUserId To, SessionView Session, TunnelInstructions Tunnel) : Notice(To);

/// <summary>Anything else worth telling (the outcome of a key check, a step that could not be done).</summary>
public sealed record TextNotice(ChatUserId To, string Text, SessionId? Session = null) : Notice(To)
{
    /// <summary>
    /// A command the person may want to run next (<c>key check</c> after a failed check), which a front door may offer
    /// as a button; the text already says it in words.
    /// </summary>
    public string? Suggests { get; init; }
}

/// <summary>The walltime is about to end: a new message (so it notifies), with what the user can do.</summary>
public sealed record ReminderNotice(ChatUserId To, SessionView Session, TimeSpan Before) : Notice(To);

/// <summary>
/// JupyterLab has been idle for <paramref name="IdleFor"/>: a new message asking whether to stop it, answered with
/// <c>stop JOBID</c> or <c>keep JOBID DURATION</c> (buttons where the platform has them). Without an answer, and still
/// idle, the session is stopped after <paramref name="Grace"/>.
/// </summary>
public sealed record IdleNotice(ChatUserId To, SessionView Session, TimeSpan IdleFor, TimeSpan Grace) : Notice(To);
