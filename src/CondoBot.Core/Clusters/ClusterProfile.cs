using System.ComponentModel.DataAnnotations;

namespace CondoBot.Core.Clusters;

/// <summary>
/// One cluster as operators configure it (<c>Clusters__NAME__...</c>). Bound and validated at start-up.
/// </summary>
public sealed class ClusterProfile
{
    /// <summary>The configuration key the profile was bound from.</summary>
    public string Name { get; set; } = "";

    [Required(AllowEmptyStrings = false)]
    [RegularExpression(HostPattern, ErrorMessage = "LoginHost must be a host name or an IP address (letters, digits, '.', '-', ':').")]
    public string LoginHost { get; set; } = "";

    private const string HostPattern = "^[A-Za-z0-9][A-Za-z0-9.:_-]{0,252}$";

    [Range(1, 65535)]
    public int LoginPort { get; set; } = 22;

    /// <summary>The login node's host key, <c>SHA256:...</c> as <c>ssh-keygen -lf</c> prints it.</summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression(@"^SHA256:[A-Za-z0-9+/]{43}=?$", ErrorMessage = "HostKeySha256 must look like SHA256:<43 base64 characters>, as ssh-keygen -lf prints it.")]
    public string HostKeySha256 { get; set; } = "";

    /// <summary>The host people outside the lab network hop through (empty: no outside instructions).</summary>
    [RegularExpression(HostPattern, ErrorMessage = "ExternalLoginHost must be a host name or an IP address (letters, digits, '.', '-', ':'), or empty.")]
    public string ExternalLoginHost { get; set; } = "";

    [RegularExpression("^([A-Za-z0-9][A-Za-z0-9_.-]{0,63})?$", ErrorMessage = "DefaultAccount must be a Slurm account name.")]
    public string DefaultAccount { get; set; } = "";

    [RegularExpression("^([A-Za-z0-9][A-Za-z0-9_.-]{0,63})?$", ErrorMessage = "DefaultPartition must be a Slurm partition name.")]
    public string DefaultPartition { get; set; } = "";

    /// <summary>Shell lines run before JupyterLab starts (for example <c>module load anaconda3</c>); written by operators.</summary>
    public string JobPreamble { get; set; } = "";

    /// <summary>The command that starts JupyterLab; the bot appends the address, port and no-browser flags.</summary>
    [Required(AllowEmptyStrings = false)]
    public string LaunchCommand { get; set; } = "jupyter lab";

    /// <summary>
    /// Named environments people choose with <c>start --env NAME</c> and list with <c>envs</c>; each is built into the
    /// gate, so a submission names one and never carries shell text.
    /// </summary>
    public Dictionary<string, ClusterEnvironment> Environments { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The environment <c>start</c> uses without <c>--env</c>; empty: the cluster's own preamble and launch command.</summary>
    [RegularExpression("^([A-Za-z0-9_-]{1,32})?$", ErrorMessage = "DefaultEnvironment must be the name of one of the cluster's environments (letters, digits, '_' and '-').")]
    public string DefaultEnvironment { get; set; } = "";

    /// <summary>The environment a session asking for <paramref name="name"/> (or none: the default) gets; null for an unknown name.</summary>
    public string? EnvironmentFor(string? name) =>
        name is null ? DefaultEnvironment
        : Environments.Keys.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The path of the web UI the printed URL opens: <c>/lab</c> for JupyterLab, <c>/tree</c> for a cluster whose
    /// launch command starts the classic Notebook.
    /// </summary>
    [RegularExpression("^/[A-Za-z0-9/_.-]*$", ErrorMessage = "UrlPath must be a URL path starting with /, such as /lab or /tree.")]
    public string UrlPath { get; set; } = "/lab";

    /// <summary>The bot's address as the login node sees it; when set, authorized keys carry <c>from="..."</c>.</summary>
    [RegularExpression("^[A-Za-z0-9.:,/*?_-]*$", ErrorMessage = "BotAddress must be a host or address pattern list, as sshd's from= option takes it.")]
    public string BotAddress { get; set; } = "";

    /// <summary>Where on the node the bot picks JupyterLab's port, so that two sessions on one node do not collide.</summary>
    [Range(1024, 65535)]
    public int NodePortMin { get; set; } = 20000;

    [Range(1024, 65535)]
    public int NodePortMax { get; set; } = 60000;

    /// <summary>
    /// Whether users may SSH to the nodes that run their jobs (as <c>pam_slurm_adopt</c> allows it). Then JupyterLab
    /// listens only on a Unix socket of mode 0600 in a private directory on the node, and the printed commands tunnel
    /// to the node itself through the login node; otherwise it listens on a TCP port of the node, which any user of the
    /// cluster can reach.
    /// </summary>
    public bool NodeSsh { get; set; }

    /// <summary>The port of the nodes' sshd, with <see cref="NodeSsh"/>.</summary>
    [Range(1, 65535, ErrorMessage = "NodeSshPort must be a TCP port from 1 to 65535.")]
    public int NodeSshPort { get; set; } = 22;

    /// <summary>
    /// A gate installed by the site for every user (an absolute path on the login node); empty: each user's authorize
    /// line installs their own in <c>~/.condobot/</c>. A site-wide gate holds the site's preamble, launch command and
    /// port range itself.
    /// </summary>
    [RegularExpression("^(/[A-Za-z0-9._/-]+)?$", ErrorMessage = "Gate must be an absolute path of letters, digits, '.', '_', '-' and '/'.")]
    public string Gate { get; set; } = "";

    /// <summary>When set, authorized keys carry <c>expiry-time=</c> this long after they were issued: people link again.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00", ErrorMessage = "KeyLifetime must be from 1 hour to 3650 days.")]
    public TimeSpan? KeyLifetime { get; set; }

    /// <summary>
    /// How long JupyterLab may sit idle (no activity, no busy kernel) before its owner is asked whether to stop it, for
    /// sessions that do not say (<c>start --idle</c>); unset: never asked.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00", ErrorMessage = "IdleAfter must be a positive duration of at most 365 days, such as 01:00:00.")]
    public TimeSpan? IdleAfter { get; set; }

    /// <summary>How long an SSH connection or remote command may take before the cluster counts as unreachable.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
