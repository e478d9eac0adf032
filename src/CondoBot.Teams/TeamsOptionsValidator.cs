using System.Text.RegularExpressions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CondoBot.Teams;

/// <summary>Names every bad Teams setting the way operators set it (<c>Teams__Setting</c>).</summary>
public sealed partial class TeamsOptionsValidator(IHostEnvironment? environment = null) : IValidateOptions<TeamsOptions>
{
    public ValidateOptionsResult Validate(string? name, TeamsOptions options)
    {
        var failures = new List<string>();
        if (options.AllowAnonymousRequests && environment?.IsDevelopment() != true)
        {
            failures.Add($"Teams__AllowAnonymousRequests is accepted only in the Development environment (DOTNET_ENVIRONMENT=Development), not in {environment?.EnvironmentName ?? "this one"}: it lets anyone on this machine act as any Teams user.");
        }

        if (!Guid.TryParse(options.AppId, out _))
        {
            failures.Add("Teams__AppId is required when Teams is on: the bot's Microsoft App ID, a GUID such as 00000000-0000-0000-0000-000000000000.");
        }

        if (string.IsNullOrWhiteSpace(options.AppPassword))
        {
            failures.Add("Teams__AppPassword is required when Teams is on: the client secret of the bot's app registration.");
        }

        if (!TenantPattern().IsMatch(options.TenantId))
        {
            failures.Add("Teams__TenantId is required when Teams is on: the Entra tenant id (a GUID) the bot is registered in.");
        }

        CheckUrl(options.OpenIdMetadataUrl, "Teams__OpenIdMetadataUrl", failures);
        CheckUrl(options.EntraOpenIdMetadataUrl, "Teams__EntraOpenIdMetadataUrl", failures);
        CheckUrl(options.TokenEndpoint, "Teams__TokenEndpoint", failures);
        if (options.Issuers == TokenIssuers.None)
        {
            failures.Add("Teams__Issuers must name at least one of BotFramework, Entra.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckUrl(string value, string setting, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(value)) return;
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || !SecureOrLoopback(uri))
        {
            failures.Add($"{setting} must be an absolute https URL (plain http only on the loopback address, for tests).");
        }
    }

    /// <summary>Keys and secrets travel only over TLS, except to this machine, where tests serve their own.</summary>
    public static bool SecureOrLoopback(Uri uri) =>
        uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$")]
    private static partial Regex TenantPattern();
}
