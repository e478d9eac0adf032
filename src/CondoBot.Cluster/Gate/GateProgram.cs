using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CondoBot.Core.Clusters;

namespace CondoBot.Cluster.Gate;

/// <summary>
/// The gate: the POSIX sh program (<c>condobot-gate.sh</c>, shipped in this assembly) that a delegated key may run and
/// nothing else. A user-owned gate is rendered with the cluster's settings (preamble, launch command, port range)
/// and a build id over the whole text, so a gate installed from an older bot or other settings is told apart; a
/// site-wide gate (<see cref="ClusterProfile.Gate"/>) holds the site's own settings and must speak the same protocol.
/// </summary>
public static partial class GateProgram
{
    /// <summary>The verbs and their arguments; raised whenever the bot and the gate must change together.</summary>
    public const int Protocol = 1;

    private const string SettingsBegin = "# --- site settings (begin) ---\n";
    private const string SettingsEnd = "# --- site settings (end) ---\n";

    private static readonly Lazy<string> TemplateText = new(LoadTemplate);

    /// <summary>The program as shipped, with its default settings (what a site copies and edits).</summary>
    public static string Template => TemplateText.Value;

    /// <summary>The user-owned gate for this cluster: the template with the cluster's settings and the build id.</summary>
    public static string Render(ClusterProfile cluster)
    {
        var settings = SettingsBlock(cluster, "BUILD");
        var (head, tail) = Split(Template);
        var build = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(head + settings + tail)))[..16];
        return head + SettingsBlock(cluster, build) + tail;
    }

    /// <summary>The build id the rendered gate reports; a user-owned gate answering anything else is outdated.</summary>
    public static string Build(ClusterProfile cluster) => VersionLine().Match(Render(cluster)) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("The gate has no build line.");

    /// <summary>
    /// Where the gate is on the login node, as the forced command names it. A user-owned gate's file is named by its
    /// cluster and build, so two bots (or two settings) sharing a home never overwrite each other's gate; a key whose
    /// gate is outdated gets the new file and its line the new path from the same update line.
    /// </summary>
    public static string PathOn(ClusterProfile cluster) =>
        cluster.Gate.Length > 0 ? cluster.Gate : $"$HOME/.condobot/{FilePrefix(cluster)}{Build(cluster)}.gate";

    /// <summary>What every user-owned gate file of this cluster starts with, under <c>~/.condobot/</c>.</summary>
    internal static string FilePrefix(ClusterProfile cluster) => SafeName().Replace(cluster.Name, "_") + "-";

    public static bool IsSiteWide(ClusterProfile cluster) => cluster.Gate.Length > 0;

    /// <summary>
    /// The forced command. Runs under <c>/bin/sh</c> whatever the login shell is: sshd hands it to the user's shell
    /// with <c>-c</c>, and these words (no quotes, no operators, only <c>$HOME</c>) mean the same in sh, csh, tcsh and fish.
    /// </summary>
    public static string ForcedCommand(ClusterProfile cluster, string publicKeyLine) => $"/bin/sh {PathOn(cluster)} {KeyTag(publicKeyLine)}";

    /// <summary>32 hex digits naming one key's line in authorized_keys, so the gate's revoke removes exactly that line.</summary>
    public static string KeyTag(string publicKeyLine) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(publicKeyLine.Split(' ')[1])))[..32];

    /// <summary>
    /// Whether <c>version</c>'s answer is what this bot needs: the very build it would install for a user-owned gate,
    /// the same protocol for a site-wide one.
    /// </summary>
    public static bool IsCurrent(string versionOutput, ClusterProfile cluster)
    {
        var words = versionOutput.Trim().Split(' ');
        if (words.Length != 3 || words[0] != "condobot-gate" || words[1] != Protocol.ToString(CultureInfo.InvariantCulture)) return false;
        return IsSiteWide(cluster) || words[2] == Build(cluster);
    }

    /// <summary>The gate, gzip-compressed and base64-encoded, for the line a user pastes.</summary>
    internal static string Packed(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return Convert.ToBase64String(buffer.ToArray());
    }

    private static string SettingsBlock(ClusterProfile cluster, string build)
    {
        var s = new StringBuilder(SettingsBegin);
        s.Append(CultureInfo.InvariantCulture, $"GATE_BUILD={build}\n");
        s.Append(CultureInfo.InvariantCulture, $"CONDOBOT_PREAMBLE={Quote(cluster.JobPreamble.ReplaceLineEndings("\n").TrimEnd())}\n");
        s.Append(CultureInfo.InvariantCulture, $"CONDOBOT_LAUNCH={Quote(cluster.LaunchCommand.Trim())}\n");
        s.Append(CultureInfo.InvariantCulture, $"CONDOBOT_PORT_MIN={cluster.NodePortMin}\n");
        s.Append(CultureInfo.InvariantCulture, $"CONDOBOT_PORT_MAX={cluster.NodePortMax}\n");
        return s.Append(SettingsEnd).ToString();
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static (string Head, string Tail) Split(string template)
    {
        var begin = template.IndexOf(SettingsBegin, StringComparison.Ordinal);
        var end = template.IndexOf(SettingsEnd, StringComparison.Ordinal);
        if (begin < 0 || end < begin) throw new InvalidOperationException("The gate template has no settings block.");
        return (template[..begin], template[(end + SettingsEnd.Length)..]);
    }

    private static string LoadTemplate()
    {
        using var stream = typeof(GateProgram).Assembly.GetManifestResourceStream("CondoBot.Cluster.Gate.condobot-gate.sh")
            ?? throw new InvalidOperationException("The gate is not embedded in CondoBot.Cluster.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd().ReplaceLineEndings("\n");
    }

    [GeneratedRegex("^GATE_BUILD=([0-9a-f]{16})$", RegexOptions.Multiline)]
    private static partial Regex VersionLine();

    [GeneratedRegex("[^A-Za-z0-9_-]")]
    private static partial Regex SafeName();
}
