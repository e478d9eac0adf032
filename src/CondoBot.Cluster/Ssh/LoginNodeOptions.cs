using System.ComponentModel.DataAnnotations;

namespace CondoBot.Cluster.Ssh;

/// <summary>
/// <c>LoginNode__...</c> settings: how the bot's SSH connections to login nodes are kept and shared. One set of
/// connections per (cluster, login, delegated key); a command opens a channel on one of them.
/// </summary>
public sealed class LoginNodeOptions
{
    public const string Section = "LoginNode";

    /// <summary>How often an open connection sends a keep-alive, so a dead one is noticed and a firewall keeps it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A connection unused for this long is closed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// A connection older than this takes no new commands and is closed once its last one ends, so a key removed from
    /// <c>authorized_keys</c> on the login node stops working within this time.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ConnectionLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>At most this many connections open at once per (cluster, login, key).</summary>
    [Range(1, 100)]
    public int ConnectionsPerLogin { get; set; } = 2;

    /// <summary>At most this many commands at once on one connection (sshd's <c>MaxSessions</c> is 10 by default).</summary>
    [Range(1, 100)]
    public int ChannelsPerConnection { get; set; } = 8;

    /// <summary>
    /// The oldest squeue answer for all of a login's jobs that may answer a session's poll. Within this, a poll reuses
    /// an answer taken after its own previous poll; older answers are never reused.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan SqueueMaxAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often each login node's reachability and host key are checked in the background (a key exchange only, no
    /// login), for <c>/readyz</c>'s body and the <c>condobot_login_node_*</c> metrics.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(1);
}
