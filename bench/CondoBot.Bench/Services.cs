using System.Globalization;

namespace CondoBot.Bench;

/// <summary>How the bench starts the two apps it measures: both as a production operator would, on loopback.</summary>
internal static class Services
{
    /// <summary>A login port nothing listens on: background steps fail fast and are retried, without touching a cluster.</summary>
    public const int ClosedPort = 1;

    /// <summary>
    /// The service as in production: the Release build, Kestrel, SQLite in a fresh data folder, Slack on with its Web API
    /// at <paramref name="slackApi"/>. <paramref name="cluster"/> is (host, port, host key) of the login node.
    /// </summary>
    public static ChildProcess StartCondoBot(Bench bench, string slackApi, (string Host, int Port, string HostKey) cluster, IReadOnlyDictionary<string, string>? extra = null)
    {
        var data = Directory.CreateTempSubdirectory("condobot-bench-").FullName;
        bench.Cleanup.Add(() => Directory.Delete(data, recursive: true));
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Clusters__local__LoginHost"] = cluster.Host,
            ["Clusters__local__LoginPort"] = cluster.Port.ToString(CultureInfo.InvariantCulture),
            ["Clusters__local__HostKeySha256"] = cluster.HostKey,
            ["Storage__DataDirectory"] = data,
            ["Slack__SigningSecret"] = SignedCommands.Secret,
            ["Slack__BotToken"] = "xoxb-bench-bot-token",
            ["Slack__ApiBaseUrl"] = slackApi,
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string>()) environment[k] = v;
        var dll = Path.Combine(bench.Repo, "src/CondoBot.Host/bin/Release/net10.0/CondoBot.Host.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("Build in Release first (bench/run.sh does): " + dll);
        return ChildProcess.Start("dotnet", [dll], environment, data);
    }

    public static ChildProcess StartBolt(Bench bench) =>
        ChildProcess.Start("node", [Path.Combine(bench.Repo, "bench/bolt/app.js")],
            new Dictionary<string, string> { ["SLACK_SIGNING_SECRET"] = SignedCommands.Secret, ["NODE_ENV"] = "production" },
            Path.Combine(bench.Repo, "bench/bolt"));

    public static (string Host, int Port, string HostKey) Unreachable => ("127.0.0.1", ClosedPort, "SHA256:" + new string('A', 43));
}
