namespace CondoBot.Teams.Auth;

/// <summary>
/// Who sent a request to <c>/api/messages</c>, as far as its token proves: the token's <c>serviceurl</c> claim and the
/// channels its signing key is endorsed for. <see cref="Anonymous"/> only in the explicit development mode.
/// </summary>
public sealed record CallerIdentity(string? ServiceUrlClaim, IReadOnlyList<string>? Endorsements, bool Anonymous)
{
    public static readonly CallerIdentity AnonymousCaller = new(null, null, Anonymous: true);
}

/// <summary>The outcome of checking a request's token: a caller, or why it was refused (for the log, never the token).</summary>
public sealed record TokenCheck(CallerIdentity? Caller, string? Refusal, bool Unavailable = false)
{
    public static TokenCheck Refused(string why) => new(null, why);

    public static TokenCheck Accepted(CallerIdentity caller) => new(caller, null);
}
