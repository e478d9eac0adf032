using System.Globalization;
using CondoBot.Core;
using CondoBot.Core.Sessions;

namespace CondoBot.Slack.Messages;

/// <summary>Small phrases about a session shared by the status message and the instructions.</summary>
internal static class SessionFacts
{
    public static string Job(SessionView s) => s.JobId is { } id ? $"Job {id}" : "Your session";

    public static string TimeLeft(SessionView s) => s.TimeLeft is { } left && s.EndsAt is { } end
        ? $"{Durations.Describe(left)} left, until {end.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture)} UTC"
        : $"walltime {Durations.Describe(s.Walltime)}";

    /// <summary>What was asked for, for the context line under the message.</summary>
    public static string Request(SessionView s)
    {
        var parts = new List<string>
        {
            s.Cluster,
            s.Nodes == 1 ? "1 node" : string.Create(CultureInfo.InvariantCulture, $"{s.Nodes} nodes"),
            "walltime " + Durations.Describe(s.Walltime),
        };
        if (s.Account.Length > 0) parts.Add("account " + s.Account);
        if (s.Partition.Length > 0) parts.Add("partition " + s.Partition);
        parts.Add(string.Create(CultureInfo.InvariantCulture, $"local port {s.LocalPort}"));
        return Mrkdwn.Escape(string.Join(" · ", parts));
    }
}
