using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CondoBot.Core.Clusters;

namespace CondoBot.Cluster.Gate;

/// <summary>
/// The gate: the POSIX sh program (<c>condobot-gate.sh</c>, shipped in this assembly) that a delegated key may run and
/// nothing else. A user-owned gate serves every configured cluster without a site-wide gate (their homes may be one):
/// it is rendered with each one's settings (preamble, launch command, port range, node SSH), chosen by the cluster name the
/// bot's submission carries, and a build id over the whole text, so a gate installed from an older bot or other
/// settings is told apart. A site-wide gate (<see cref="ClusterProfile.Gate"/>) holds the site's own settings and must
/// speak the same protocol.
/// </summary>
public static partial class GateProgram
{
    /// <summary>
    /// The verbs, their arguments and the connection file's keys; raised whenever the bot and the gate must change
    /// together. 2: the connection file names a Unix socket (<c>socket=</c>) instead of a port on clusters with node SSH.
    /// 3: a job leaves an end marker, and the <c>watch</c> verb reports it (how ends are heard within seconds).
    /// </summary>
    public const int Protocol = 3;

    /// <summary>
    /// The oldest protocol a site-wide gate may speak: one at 2 works in full but without the <c>watch</c> verb, so
    /// its sessions' ends are noticed on the slow poll cycle (the bot's watch finds the verb refused and stays away).
    /// </summary>
    public const int OldestSiteProtocol = 2;

    private const string SettingsBegin = "# --- site settings (begin) ---\n";
    private const string SettingsEnd = "# --- site settings (end) ---\n";

    private static readonly Lazy<string> TemplateText = new(LoadTemplate);

    /// <summary>The program as shipped, with its default settings (what a site copies and edits).</summary>
    public static string Template => TemplateText.Value;

    /// <summary>The clusters a user-owned gate serves: those without a site-wide gate.</summary>
    public static IReadOnlyList<ClusterProfile> UserGateClusters(IEnumerable<ClusterProfile> clusters) => clusters.Where(c => !IsSiteWide(c)).ToList();

    /// <summary>The user-owned gate for these clusters: the template with their settings and the build id.</summary>
    public static string Render(IEnumerable<ClusterProfile> clusters)
    {
        var served = UserGateClusters(clusters);
        var (head, tail) = Split(Template);
        var build = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(head + SettingsBlock(served, "BUILD") + tail)))[..16];
        return head + SettingsBlock(served, build) + tail;
    }

    /// <summary>The build id the rendered gate reports; a user-owned gate answering anything else is outdated.</summary>
    public static string Build(IEnumerable<ClusterProfile> clusters) =>
        VersionLine().Match(Render(clusters)) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("The gate has no build line.");

    /// <summary>
    /// Where the gate is on the login node, as the forced command names it. A user-owned gate's file is named by its
    /// build, so two bots (or two settings) sharing a home never overwrite each other's gate; a key whose gate is
    /// outdated gets the new file and its line the new path from the same update line.
    /// </summary>
    public static string PathOn(ClusterProfile cluster, IEnumerable<ClusterProfile> all) =>
        IsSiteWide(cluster) ? cluster.Gate : $"$HOME/.condobot/{FilePrefix}{Build(all)}.gate";

    /// <summary>What every user-owned gate file starts with, under <c>~/.condobot/</c>.</summary>
    internal const string FilePrefix = "gate-";

    public static bool IsSiteWide(ClusterProfile cluster) => cluster.Gate.Length > 0;

    /// <summary>
    /// The forced command. Runs under <c>/bin/sh</c> whatever the login shell is: sshd hands it to the user's shell
    /// with <c>-c</c>, and these words (no quotes, no operators, only <c>$HOME</c>) mean the same in sh, csh, tcsh and fish.
    /// </summary>
    public static string ForcedCommand(ClusterProfile cluster, IEnumerable<ClusterProfile> all, string publicKeyLine) =>
        $"/bin/sh {PathOn(cluster, all)} {KeyTag(publicKeyLine)}";

    /// <summary>32 hex digits naming one key's line in authorized_keys, so the gate's revoke removes exactly that line.</summary>
    public static string KeyTag(string publicKeyLine) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(publicKeyLine.Split(' ')[1])))[..32];

    /// <summary>
    /// Whether <c>version</c>'s answer is what this bot needs: the very build it would install for a user-owned gate,
    /// a protocol from <see cref="OldestSiteProtocol"/> to <see cref="Protocol"/> for a site-wide one.
    /// </summary>
    public static bool IsCurrent(string versionOutput, ClusterProfile cluster, IEnumerable<ClusterProfile> all)
    {
        var words = versionOutput.Trim().Split(' ');
        if (words.Length != 3 || words[0] != "condobot-gate" || !int.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out var protocol)) return false;
        return IsSiteWide(cluster) ? protocol is >= OldestSiteProtocol and <= Protocol : protocol == Protocol && words[2] == Build(all);
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

    /// <summary>
    /// The settings block: the build, the template's defaults, and a <c>cluster_settings NAME</c> that sets each served
    /// cluster's values and refuses any other name.
    /// </summary>
    private static string SettingsBlock(IReadOnlyList<ClusterProfile> clusters, string build)
    {
        var s = new StringBuilder(SettingsBegin);
        s.Append(CultureInfo.InvariantCulture, $"GATE_BUILD={build}\n");
        s.Append("CONDOBOT_PREAMBLE=''\nCONDOBOT_LAUNCH='jupyter lab'\nCONDOBOT_PORT_MIN=20000\nCONDOBOT_PORT_MAX=60000\nCONDOBOT_NODE_SSH=0\nCONDOBOT_ACTIVITY_EVERY=30\n");
        s.Append("cluster_settings() {\n  case $1 in\n");
        foreach (var cluster in clusters)
        {
            if (!SafeName().IsMatch(cluster.Name)) throw new ArgumentException($"Cluster name {cluster.Name} is not letters, digits, '_' and '-'.", nameof(clusters));
            s.Append(CultureInfo.InvariantCulture, $"    {cluster.Name})\n");
            s.Append(CultureInfo.InvariantCulture, $"      CONDOBOT_PREAMBLE={Quote(cluster.JobPreamble.ReplaceLineEndings("\n").TrimEnd())}\n");
            s.Append(CultureInfo.InvariantCulture, $"      CONDOBOT_LAUNCH={Quote(cluster.LaunchCommand.Trim())}\n");
            s.Append(CultureInfo.InvariantCulture, $"      CONDOBOT_PORT_MIN={cluster.NodePortMin} CONDOBOT_PORT_MAX={cluster.NodePortMax}\n");
            s.Append(CultureInfo.InvariantCulture, $"      CONDOBOT_NODE_SSH={(cluster.NodeSsh ? 1 : 0)} ;;\n");
        }

        s.Append("    *) return 1 ;;\n  esac\n}\n");
        s.Append("CONDOBOT_ENV_PREAMBLE=''\n");
        s.Append("environment_settings() {\n  case $1:$2 in\n");
        foreach (var cluster in clusters)
        {
            foreach (var (name, environment) in cluster.Environments.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                if (!SafeName().IsMatch(name)) throw new ArgumentException($"Environment name {name} is not letters, digits, '_' and '-'.", nameof(clusters));
                s.Append(CultureInfo.InvariantCulture, $"    {cluster.Name}:{name})\n");
                s.Append(CultureInfo.InvariantCulture, $"      CONDOBOT_ENV_PREAMBLE={Quote(environment.Preamble.ReplaceLineEndings("\n").TrimEnd())}\n");
                if (environment.LaunchCommand.Trim().Length > 0)
                {
                    s.Append(CultureInfo.InvariantCulture, $"      CONDOBOT_LAUNCH={Quote(environment.LaunchCommand.Trim())}\n");
                }

                s.Append("      ;;\n");
            }
        }

        s.Append("    *) return 1 ;;\n  esac\n}\n");
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

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex SafeName();
}
