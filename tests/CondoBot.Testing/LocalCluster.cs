using System.Diagnostics;
using CondoBot.Core.Clusters;

namespace CondoBot.Testing;

/// <summary>
/// The real local cluster (sshd + Slurm + Jupyter on loopback) that <c>deploy/local-cluster/cluster.sh up</c> starts,
/// described by the facts file it writes. Tests that need it fail with a clear message when it is not up.
/// </summary>
public sealed class LocalCluster
{
    public const string FactsFile = "/run/condobot-cluster/facts.env";

    private LocalCluster(IReadOnlyDictionary<string, string> facts) => Facts = facts;

    public IReadOnlyDictionary<string, string> Facts { get; }

    public string LoginHost => Facts["CONDO_LOGIN_HOST"];

    public int LoginPort => int.Parse(Facts["CONDO_LOGIN_PORT"], System.Globalization.CultureInfo.InvariantCulture);

    public string HostKeySha256 => Facts["CONDO_HOST_KEY_SHA256"];

    public string SshdLog => Facts["CONDO_SSHD_LOG"];

    private static readonly Lazy<LocalCluster> Shared = new(Load);

    /// <summary>The running local cluster; throws with the command to run when it is not up.</summary>
    public static LocalCluster Get() => Shared.Value;

    public ClusterProfile Profile(string name = "local", string hostKey = "") => new()
    {
        Name = name,
        LoginHost = LoginHost,
        LoginPort = LoginPort,
        HostKeySha256 = hostKey.Length > 0 ? hostKey : HostKeySha256,
        LaunchCommand = "jupyter lab",
        CommandTimeout = TimeSpan.FromSeconds(20),
    };

    /// <summary>The settings that point a service process at this cluster, with its own data folder and console user.</summary>
    public Dictionary<string, string> BotSettings(string dataDirectory, string consoleUser) => new()
    {
        ["Clusters__local__HostKeySha256"] = HostKeySha256,
        ["Clusters__local__LoginHost"] = LoginHost,
        ["Clusters__local__LoginPort"] = LoginPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Storage__DataDirectory"] = dataDirectory,
        ["Sessions__PollInterval"] = "00:00:01",
        ["Terminal__User"] = consoleUser,
    };

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

    /// <summary>Runs a Slurm client command as root and returns its stdout (for checks such as "the job is gone").</summary>
    public static string Slurm(params string[] argv) => Run(argv[0], argv[1..]);

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

    private static LocalCluster Load()
    {
        if (!File.Exists(FactsFile))
        {
            throw new InvalidOperationException(
                $"The local cluster is not up ({FactsFile} is missing). Run `bash deploy/local-cluster/cluster.sh up` as root, or the README's test command, which does.");
        }

        var facts = File.ReadAllLines(FactsFile)
            .Select(l => l.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0].Trim(), kv => kv[1].Trim().Trim('\'', '"'));
        return new LocalCluster(facts);
    }
}
