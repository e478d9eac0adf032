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
    [InlineData("    bot:\n      - commands\n      - chat:write\n      - im:write\n      - users:read\nsettings:")]
    public void TheManifest_DeclaresTheCommandEndpointsAndScopesTheBotUses(string line) =>
        Assert.Contains(line, Manifest, StringComparison.Ordinal);

    [Fact]
    public void TheManifestsUsageHint_IsTheCommandsUsage()
    {
        var hint = Manifest.Split('\n').Single(l => l.TrimStart().StartsWith("usage_hint:", StringComparison.Ordinal));

        Assert.Contains(Core.Commands.Usage.Start, hint, StringComparison.Ordinal);
        Assert.Contains(Core.Commands.Usage.Stop, hint, StringComparison.Ordinal);
        Assert.Contains(Core.Commands.Usage.Tunnel, hint, StringComparison.Ordinal);
    }
}
