namespace CondoBot.Slack.Messages;

/// <summary>Slack's markup: only <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> are control characters and must be escaped.</summary>
public static class Mrkdwn
{
    public static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>A command to copy, as a code block on its own lines.</summary>
    public static string CodeBlock(string command) => "```" + Escape(command) + "```";
}
