using Microsoft.Extensions.Options;

namespace CondoBot.Slack;

/// <summary>
/// Checks the Slack settings at start-up and names each bad one the way operators set it. A missing signing secret
/// stops the service: running without one would accept forged commands.
/// </summary>
internal sealed class SlackOptionsValidator : IValidateOptions<SlackOptions>
{
    public ValidateOptionsResult Validate(string? name, SlackOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.SigningSecret))
        {
            failures.Add("Slack__SigningSecret is required when Slack is enabled (any Slack__ setting enables it): the app's Signing Secret, from Basic Information.");
        }

        if (string.IsNullOrWhiteSpace(options.BotToken))
        {
            failures.Add("Slack__BotToken is required when Slack is enabled: the Bot User OAuth Token (xoxb-...), from OAuth & Permissions.");
        }
        else if (!options.BotToken.StartsWith("xoxb-", StringComparison.Ordinal))
        {
            failures.Add("Slack__BotToken must be a bot token, starting with xoxb-.");
        }

        if (options.AppToken.Length > 0 && !options.AppToken.StartsWith("xapp-", StringComparison.Ordinal))
        {
            failures.Add("Slack__AppToken must be an app-level token starting with xapp- (scope connections:write), or unset.");
        }

        // The bot token travels with every call: only over TLS, except to this machine, where tests serve a fake Slack.
        if (!Uri.TryCreate(options.ApiBaseUrl, UriKind.Absolute, out var api) || !(api.Scheme == Uri.UriSchemeHttps || api.Scheme == Uri.UriSchemeHttp && api.IsLoopback))
        {
            failures.Add("Slack__ApiBaseUrl must be an absolute https address such as https://slack.com/api/ (plain http only on the loopback address, for tests).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
