using System.Diagnostics;
using CondoBot.Core.Clusters;

namespace CondoBot.Testing;

/// <summary>
/// One cluster of the real local site that <c>deploy/local-cluster/cluster.sh up</c> starts, described by the facts
/// file it writes (<c>CONDO_LOCAL_...</c>, <c>CONDO_LEGACY_...</c>, <c>CONDO_EXTERNAL_...</c>): <c>local</c>, the
/// default (Debian 13, Slurm 24.11, JupyterLab 4, in a root of its own), and <c>legacy</c> (the machine's own Debian 12,
/// Slurm 22.05, jupyter-server). Both share the external login host and the users' homes. Tests that need the site
/// fail with a clear message when it is not up.
/// </summary>
public sealed class LocalCluster
{
    public const string FactsFile = "/run/condobot-site/facts.env";

    public const string Default = "local";

    private LocalCluster(string name, IReadOnlyDictionary<string, string> facts)
    {
        Name = name;
        Facts = facts;
    }

    /// <summary>The cluster's name, as the bot's settings (<c>Clusters__NAME__...</c>) and <c>--cluster</c> know it.</summary>
    public string Name { get; }

    /// <summary>Every fact of the site, for every cluster.</summary>
    public IReadOnlyDictionary<string, string> Facts { get; }

    private string Fact(string key) => Facts[$"CONDO_{Name.ToUpperInvariant()}_{key}"];

    public string LoginHost => Fact("LOGIN_HOST");

    public int LoginPort => int.Parse(Fact("LOGIN_PORT"), System.Globalization.CultureInfo.InvariantCulture);

    public string HostKeySha256 => Fact("HOST_KEY_SHA256");

    /// <summary>The login node's public host key file, for a person's known hosts.</summary>
    public string HostKeyFile => Fact("HOST_KEY");

    /// <summary>The (only) compute node, as Slurm and the printed tunnel name it.</summary>
    public string Node => Fact("NODES").Split(' ')[0];

    /// <summary>The node's address, where its JupyterLab answers on a port (without <see cref="NodeSsh"/>).</summary>
    public string NodeAddress => Fact("NODE_ADDR");

    public string SshdLog => Fact("SSHD_LOG");

    /// <summary>
    /// Whether users may SSH to the node while a job of theirs runs there: then the bot's settings turn on
    /// <c>NodeSsh</c>, and JupyterLab listens on a Unix socket on the node. The legacy cluster has no node SSH.
    /// </summary>
    public bool NodeSsh => Facts.ContainsKey($"CONDO_{Name.ToUpperInvariant()}_NODE_SSH");

    /// <summary>The node's public host key file (with <see cref="NodeSsh"/>), for a person's known hosts.</summary>
    public string NodeHostKeyFile => Fact("NODE_HOST_KEY");

    /// <summary>
    /// The inside command the bot prints for this cluster, as a regular expression: to the socket over SSH to the
    /// node with <see cref="NodeSsh"/>, else to the node's port through the login node.
    /// </summary>
    public string InsidePattern(string login, int localPort) => NodeSsh
        ? $@"^ssh -N -J {login}@{System.Text.RegularExpressions.Regex.Escape(LoginHost)}{(LoginPort == 22 ? "" : $":{LoginPort}")} -L {localPort}:{SocketPathPattern} {login}@{Node}$"
        : $@"^ssh -N -p {LoginPort} -L {localPort}:{Node}:\d+ {login}@{System.Text.RegularExpressions.Regex.Escape(LoginHost)}$";

    /// <summary>
    /// Fails with what to do when the node's sshd would refuse the printed tunnel's forward to a socket: a
    /// <c>PermitOpen</c> line denies forwards to sockets as well (a site brought up from an older checkout has one).
    /// </summary>
    public void AssertNodeForwardsToSockets()
    {
        var config = PidFile("/etc/ssh/condobot/node_sshd_config");
        if (File.Exists(config) && File.ReadLines(config).Any(l => l.StartsWith("PermitOpen", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"{config} has PermitOpen, so {Node}'s sshd refuses forwards to JupyterLab's socket: run `bash deploy/local-cluster/cluster.sh up` from this checkout.");
        }
    }

    /// <summary>Where the gate's job puts JupyterLab's socket: a fresh directory per job under the node's /tmp.</summary>
    public const string SocketPathPattern = @"/tmp/condobot-[0-9a-f]{8}\.[A-Za-z0-9]{8}/jupyter\.sock";

    /// <summary>
    /// Whether JupyterLab still answers where a printed inside command forwards (the target of its <c>-L</c>): the
    /// node's port, or the socket on the node (as the root sees it: the file is gone with the job).
    /// </summary>
    public async Task<bool> JupyterAnswersAsync(string inside)
    {
        var target = inside.Split(' ').SkipWhile(w => w != "-L").ElementAt(1);
        var forward = target[(target.IndexOf(':', StringComparison.Ordinal) + 1)..];
        if (forward.StartsWith('/')) return File.Exists(PidFile(forward));
        var port = int.Parse(forward.Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync(NodeAddress, port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    public string LaunchCommand => Fact("LAUNCH_COMMAND");

    /// <summary>The path of the cluster's web UI: <c>/lab</c> (JupyterLab 4) or <c>/tree</c> (the classic Notebook).</summary>
    public string UrlPath => Fact("URL_PATH");

    /// <summary>The root directory the cluster's daemons and Slurm commands run in (<c>/</c> for the machine's own).</summary>
    public string Root => Fact("ROOT");

    /// <summary>The Slurm release the cluster runs, such as <c>24.11</c>.</summary>
    public string SlurmVersion => Fact("SLURM");

    /// <summary>A pidfile of one of the cluster's daemons (such as <c>/run/slurmctld.pid</c>) as the host sees it.</summary>
    public string PidFile(string path) => Root == "/" ? path : Root + path;

    public string ExternalLoginHost => Facts["CONDO_EXTERNAL_HOST"];

    public string ExternalHostKeyFile => Facts["CONDO_EXTERNAL_HOST_KEY"];

    private static readonly Lazy<IReadOnlyDictionary<string, string>> SiteFacts = new(Load);

    /// <summary>A cluster of the running site (the default one unless named); throws with the command to run when it is not up.</summary>
    public static LocalCluster Get(string name = Default)
    {
        var facts = SiteFacts.Value;
        var names = facts["CONDO_CLUSTERS"].Split(' ');
        return names.Contains(name, StringComparer.Ordinal)
            ? new LocalCluster(name, facts)
            : throw new ArgumentException($"The local site has no cluster '{name}' (it has: {string.Join(", ", names)}).", nameof(name));
    }

    /// <summary>Every cluster of the site.</summary>
    public static IEnumerable<LocalCluster> All() => SiteFacts.Value["CONDO_CLUSTERS"].Split(' ').Select(n => Get(n));

    public ClusterProfile Profile(string name = "local", string hostKey = "") => new()
    {
        Name = name,
        LoginHost = LoginHost,
        LoginPort = LoginPort,
        HostKeySha256 = hostKey.Length > 0 ? hostKey : HostKeySha256,
        LaunchCommand = LaunchCommand,
        CommandTimeout = TimeSpan.FromSeconds(20),
    };

    /// <summary>
    /// The settings that point a service process at this cluster, under the name <c>local</c> (the service's default
    /// cluster), with every cluster setting given and the external login host; with its own data folder and console user.
    /// </summary>
    public Dictionary<string, string> BotSettings(string dataDirectory, string consoleUser) => new()
    {
        ["Clusters__Default"] = "local",
        ["Clusters__local__HostKeySha256"] = HostKeySha256,
        ["Clusters__local__LoginHost"] = LoginHost,
        ["Clusters__local__LoginPort"] = LoginPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Clusters__local__ExternalLoginHost"] = ExternalLoginHost,
        ["Clusters__local__LaunchCommand"] = LaunchCommand,
        ["Clusters__local__UrlPath"] = UrlPath,
        ["Clusters__local__NodeSsh"] = NodeSsh ? "true" : "false",
        ["Storage__DataDirectory"] = dataDirectory,
        ["Sessions__PollInterval"] = "00:00:01",
        ["Terminal__User"] = consoleUser,
    };

    /// <summary>
    /// The settings of the whole site, as <c>deploy/run-local.sh</c> gives them: both clusters under their own names
    /// (<c>local</c> first, the default) and the external login host.
    /// </summary>
    public static Dictionary<string, string> SiteSettings(string dataDirectory, string consoleUser)
    {
        var settings = Get().BotSettings(dataDirectory, consoleUser);
        foreach (var cluster in All().Where(c => c.Name != Default))
        {
            var prefix = $"Clusters__{cluster.Name}__";
            settings[prefix + "HostKeySha256"] = cluster.HostKeySha256;
            settings[prefix + "LoginHost"] = cluster.LoginHost;
            settings[prefix + "LoginPort"] = cluster.LoginPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings[prefix + "ExternalLoginHost"] = cluster.ExternalLoginHost;
            settings[prefix + "LaunchCommand"] = cluster.LaunchCommand;
            settings[prefix + "UrlPath"] = cluster.UrlPath;
            settings[prefix + "NodeSsh"] = cluster.NodeSsh ? "true" : "false";
        }

        return settings;
    }

    /// <summary>Runs a Slurm client command of this cluster as root (in its root directory) and returns its stdout.</summary>
    public string Slurm(params string[] argv) => Root == "/" ? Run(argv[0], argv[1..]) : Run("chroot", [Root, .. argv], stdin: null);

    /// <summary>Appends an authorized_keys entry for a test user, as the user would by pasting the bot's line.</summary>
    public static void Authorize(string user, string entry) => Run("bash", RepoFile("deploy/local-cluster/cluster.sh"), "authorize", user, stdin: entry + "\n");

    /// <summary>Removes every authorized_keys line ending with the comment (what <c>key revoke</c> tells users to do).</summary>
    public static void Deauthorize(string user, string comment)
    {
        var file = $"/home/{user}/.ssh/authorized_keys";
        if (!File.Exists(file)) return;
        var kept = File.ReadAllLines(file).Where(l => !l.EndsWith(" " + comment, StringComparison.Ordinal));
        File.WriteAllLines(file, kept);
    }

    public static string Run(string file, params string[] args) => Run(file, args, stdin: null);

    public static string Run(string file, string[] args, string? stdin)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000)) throw new TimeoutException($"{file} did not finish in 60 s");
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }

    private static string Run(string file, string a1, string a2, string a3, string stdin) => Run(file, [a1, a2, a3], stdin);

    /// <summary>A path in the repository, found by walking up from the test binaries to CondoBot.sln.</summary>
    public static string RepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CondoBot.sln"))) return Path.Combine(dir.FullName, relative);
        }

        throw new FileNotFoundException("CondoBot.sln not found above " + AppContext.BaseDirectory);
    }

    private static IReadOnlyDictionary<string, string> Load()
    {
        if (!File.Exists(FactsFile))
        {
            throw new InvalidOperationException(
                $"The local site is not up ({FactsFile} is missing). Run `bash deploy/local-cluster/cluster.sh up` as root, or the README's test command, which does.");
        }

        return File.ReadAllLines(FactsFile)
            .Select(l => l.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0].Trim(), kv => kv[1].Trim().Trim('\'', '"'));
    }
}
