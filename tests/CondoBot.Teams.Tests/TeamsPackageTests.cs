using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json.Nodes;
using CondoBot.Testing;

namespace CondoBot.Teams.Tests;

/// <summary>The Teams app package as <c>deploy/teams/package.sh</c> builds it for upload.</summary>
public sealed class TeamsPackageTests : IDisposable
{
    private const string AppId = "11111111-2222-3333-4444-555555555555";
    private readonly string _dir = Directory.CreateTempSubdirectory("condobot-teams-package-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ThePackage_HasTheManifestWithTheBotsAppId_AndBothIconsAtTheirSizes()
    {
        var zip = Path.Combine(_dir, "condobot-teams.zip");
        LocalCluster.Run("bash", LocalCluster.RepoFile("deploy/teams/package.sh"), AppId, zip);

        using var archive = ZipFile.OpenRead(zip);
        Assert.Equal(["manifest.json", "color.png", "outline.png"], archive.Entries.Select(e => e.FullName));
        using var manifestStream = archive.GetEntry("manifest.json")!.Open();
        var manifest = JsonNode.Parse(manifestStream)!;
        Assert.Equal(AppId, manifest["id"]!.GetValue<string>());
        var bot = manifest["bots"]![0]!;
        Assert.Equal(AppId, bot["botId"]!.GetValue<string>());
        Assert.Equal(["personal", "team", "groupChat"], bot["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
        var commands = bot["commandLists"]![0]!["commands"]!.AsArray();
        Assert.Equal(["start", "stop", "status", "tunnel", "renew", "keep", "envs", "key", "help"], commands.Select(c => c!["title"]!.GetValue<string>()));
        Assert.All(commands, c => Assert.InRange(c!["description"]!.GetValue<string>().Length, 1, 128));
        Assert.InRange(manifest["description"]!["short"]!.GetValue<string>().Length, 1, 80);
        Assert.Equal((192, 192), PngSize(archive, "color.png"));
        Assert.Equal((32, 32), PngSize(archive, "outline.png"));
    }

    [Fact]
    public void TheCommandList_HasEveryVerbTheParserKnows_AndNoOther()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(LocalCluster.RepoFile("deploy/teams/manifest.json")))!;
        var titles = manifest["bots"]![0]!["commandLists"]![0]!["commands"]!.AsArray().Select(c => c!["title"]!.GetValue<string>()).ToList();

        var known = KnownVerbs();
        Assert.Contains("start", known);
        Assert.Equal(known.Order(StringComparer.Ordinal), titles.Order(StringComparer.Ordinal));
        Assert.All(titles, t => Assert.DoesNotContain("Unknown command", CondoBot.Core.Commands.CommandParser.Parse(t).Error ?? "", StringComparison.Ordinal));
        // Teams shows at most ten commands per list.
        Assert.InRange(titles.Count, 1, 10);
    }

    /// <summary>
    /// The verbs as the core states them: the list an unknown verb's reply gives, and the first word of each command
    /// line of the help text. Both are checked, so a verb added to either is missed by the manifest only with a failure.
    /// </summary>
    private static HashSet<string> KnownVerbs()
    {
        var refusal = CondoBot.Core.Commands.CommandParser.Parse("no-such-verb").Error!;
        var listed = refusal[(refusal.IndexOf("Commands:", StringComparison.Ordinal) + "Commands:".Length)..]
            .TrimEnd('.').Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var helped = CondoBot.Core.Commands.Usage.Full.Split('\n')
            .Where(line => line.StartsWith("  ", StringComparison.Ordinal) && !line.StartsWith("      ", StringComparison.Ordinal))
            .Select(line => line.Trim().Split(' ')[0]);
        return [.. listed.Concat(helped)];
    }

    [Fact]
    public void PackagingWithoutAnAppId_FailsWithUsage()
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            LocalCluster.Run("bash", LocalCluster.RepoFile("deploy/teams/package.sh"), "not-a-guid", Path.Combine(_dir, "x.zip")));

        Assert.Contains("must be the bot's Microsoft App ID", ex.Message, StringComparison.Ordinal);
    }

    private static (int Width, int Height) PngSize(ZipArchive archive, string name)
    {
        using var stream = archive.GetEntry(name)!.Open();
        var header = new byte[24];
        stream.ReadExactly(header);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, header[..4]);
        return (BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(20)));
    }
}
