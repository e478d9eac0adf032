using System.Diagnostics.CodeAnalysis;

namespace CondoBot.Slack.Notifying;

/// <summary>Where a posted message is: its channel and timestamp, which is all <c>chat.update</c> needs.</summary>
internal sealed record MessageRef(string Channel, string Ts)
{
    public override string ToString() => Channel + " " + Ts;

    public static bool TryParse(string? text, [NotNullWhen(true)] out MessageRef? message)
    {
        message = null;
        var parts = text?.Split(' ');
        if (parts is not { Length: 2 } || parts[0].Length == 0 || parts[1].Length == 0) return false;
        message = new MessageRef(parts[0], parts[1]);
        return true;
    }
}
