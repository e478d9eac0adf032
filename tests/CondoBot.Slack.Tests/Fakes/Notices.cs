using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using CondoBot.Core.Tunnels;

namespace CondoBot.Slack.Tests.Fakes;

/// <summary>Notices as the core produces them along a session's life, for one Slack user.</summary>
public static class Notices
{
    public const string Token = "0123456789abcdef0123456789abcdef0123456789abcdef";

    public static readonly DateTimeOffset Now = new(2025, 6, 2, 12, 0, 0, TimeSpan.Zero);

    public static ChatUserId To(string user) => SlackUser.Id(SignedRequests.Team, user);

    public static SessionView View(SessionId id, SessionState state, long? job = 4242, string? node = null, EndReason? ended = null) => new(
        id, job is { } j ? new SlurmJobId(j) : null, state, "local", "cnms", "", 1, TimeSpan.FromHours(2), 5959, node, state == SessionState.Queued ? "Priority" : null,
        state == SessionState.Ready ? Now.AddHours(2) : null, state == SessionState.Ready ? TimeSpan.FromMinutes(119) : null,
        ended, null, ended is null ? null : TimeSpan.FromMinutes(5), false);

    public static TunnelInstructions Tunnel(string external = "extlogin.example.org") => TunnelInstructions.Build(
        new ClusterProfile { Name = "local", LoginHost = "login.example.org", LoginPort = 2222, ExternalLoginHost = external },
        new ClusterUser("condouser"), 5959, new JupyterEndpoint("node001", 31337, Token));

    public static SessionUpdate Queued(string user, SessionId id) => new(To(user), View(id, SessionState.Queued), null);

    public static SessionUpdate Starting(string user, SessionId id) => new(To(user), View(id, SessionState.Starting, node: "node001"), null);

    public static SessionUpdate Ready(string user, SessionId id, string external = "extlogin.example.org") =>
        new(To(user), View(id, SessionState.Ready, node: "node001"), Tunnel(external));

    public static SessionUpdate Ended(string user, SessionId id) =>
        new(To(user), View(id, SessionState.Ended, node: "node001", ended: EndReason.StoppedByUser), null);
}
