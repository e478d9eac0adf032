using CondoBot.Testing;

namespace CondoBot.Slack.Tests;

/// <summary>manifest.yml asks Slack for what the bot serves and needs, and nothing it does not.</summary>
public sealed class ManifestTests
{
    private static readonly string Manifest = File.ReadAllText(LocalCluster.RepoFile("manifest.yml"));

    [Theory]
    [InlineData("    - command: /condo\n")]
    [InlineData("      url: https://condobot.example.org/slack/commands\n")]
    [InlineData("    request_url: https://condobot.example.org/slack/interactivity\n")]
    [InlineData("      should_escape: false\n")]
    [InlineData("  socket_mode_enabled: false\n")]
    [InlineData("  token_rotation_enabled: false\n")]
    [InlineData("    home_tab_enabled: true\n")]
    [InlineData("  event_subscriptions:\n    request_url: https://condobot.example.org/slack/events\n    bot_events:\n      - app_home_opened\n")]
    [InlineData("    bot:\n      - commands\n      - chat:write\n      - im:write\n      - users:read\nsettings:")]
    public void TheManifest_DeclaresTheCommandEndpointsAndScopesTheBotUses(string line) =>
        Assert.Contains(line, Manifest, StringComparison.Ordinal);

    [Fact]
    public void TheManifestsUsageHint_IsEveryVerbsAcceptedForm_InTheParsersOrder()
    {
        var hint = Manifest.Split('\n').Single(l => l.TrimStart().StartsWith("usage_hint:", StringComparison.Ordinal));

        Assert.Equal("usage_hint: " + Core.Commands.Usage.Hint, hint.Trim());
    }

    [Fact]
    public void TheReadmesSocketModeManifest_HasTheSameUsageHint()
    {
        var readme = File.ReadAllText(LocalCluster.RepoFile("README.md"));

        Assert.Contains("      usage_hint: " + Core.Commands.Usage.Hint + "\n", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void TheReadmesCommandTable_HasARowForEveryFormOfEveryVerb()
    {
        var readme = File.ReadAllText(LocalCluster.RepoFile("README.md"));

        // A form's own '|' is written '\|' inside a Markdown table cell.
        Assert.All(Core.Commands.Verbs.All.SelectMany(v => v.Help),
            h => Assert.Contains($"| `{h.Form.Replace("|", "\\|", StringComparison.Ordinal)}`", readme, StringComparison.Ordinal));
    }
}
