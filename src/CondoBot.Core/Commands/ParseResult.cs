namespace CondoBot.Core.Commands;

/// <summary>Either a command, or what was wrong with the text and the form that is accepted.</summary>
public sealed record ParseResult(Command? Command, string? Error, string? AcceptedForm)
{
    public static ParseResult Of(Command command) => new(command, null, null);

    public static ParseResult Wrong(string error, string acceptedForm) => new(null, error, acceptedForm);

    /// <summary>The reply a user gets for bad input: what was wrong, then the accepted form.</summary>
    public string UsageReply => $"{Error}\nUsage: {AcceptedForm}";

    /// <summary>
    /// True when handling this changes nothing (refused text, or a command that only reads such as <c>help</c> and
    /// <c>status</c>): running it twice is the same as running it once, so a front door need not record it to
    /// recognise a repeated delivery.
    /// </summary>
    public bool ChangesNothing => Command is null || Command.ChangesNothing;
}
