namespace CondoBot.Core.Handling;

/// <summary>A command as it arrived on any front door, already authenticated by that front door.</summary>
public sealed record ChatRequest(ChatUserId User, string Text);

/// <summary>The immediate answer, shown only to the person who asked.</summary>
public sealed record Reply(string Text)
{
    public static implicit operator Reply(string text) => new(text);
}
