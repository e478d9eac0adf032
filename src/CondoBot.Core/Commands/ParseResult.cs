namespace CondoBot.Core.Commands;

/// <summary>Either a command, or what was wrong with the text and the form that is accepted.</summary>
public sealed record ParseResult(Command? Command, string? Error, string? AcceptedForm)
{
    public static ParseResult Of(Command command) => new(command, null, null);

    public static ParseResult Wrong(string error, string acceptedForm) => new(null, error, acceptedForm);

    /// <summary>The reply a user gets for bad input: what was wrong, then the accepted form.</summary>
    public string UsageReply => $"{Error}\nUsage: {AcceptedForm}";
}
