namespace CondoBot.Slack;

/// <summary><c>Slack__...</c>: the Slack app's secrets and where its Web API is.</summary>
public sealed class SlackOptions
{
    public const string Section = "Slack";

    /// <summary>Signs every request Slack sends (Basic Information > Signing Secret). Required: never "skip the check".</summary>
    public string SigningSecret { get; set; } = "";

    /// <summary>The bot token (<c>xoxb-</c>) the bot sends direct messages with.</summary>
    public string BotToken { get; set; } = "";

    /// <summary>An app-level token (<c>xapp-</c>, scope <c>connections:write</c>); when set, Slack is reached over Socket Mode.</summary>
    public string AppToken { get; set; } = "";

    /// <summary>The Web API's base address; tests point it at a fake Slack.</summary>
    public string ApiBaseUrl { get; set; } = "https://slack.com/api/";

    public bool SocketMode => AppToken.Length > 0;

    /// <summary>The base address with the trailing slash that relative method names need.</summary>
    public Uri ApiBase => new(ApiBaseUrl.EndsWith('/') ? ApiBaseUrl : ApiBaseUrl + "/", UriKind.Absolute);
}
