using System.Text.RegularExpressions;
using CondoBot.Testing;
using YamlDotNet.RepresentationModel;

namespace CondoBot.Host.Tests;

/// <summary>
/// The settings a shipped deployment file gives the service, read from the file itself: the compose file's
/// environment, the Kubernetes ConfigMap and Deployment with the example Secret, the systemd unit with its
/// environment file. Only what an operator fills in is filled in here: <c>${VAR}</c> placeholders, the example
/// Secret's values, their own hosts and fingerprints; container paths are mapped to this test's folders.
/// </summary>
internal static partial class DeployFileSettings
{
    private static readonly string Deploy = LocalCluster.RepoFile("deploy");

    /// <summary>The compose file's <c>condobot</c> environment, its <c>${VAR:?...}</c> and <c>${VAR:-default}</c> filled from <paramref name="variables"/>.</summary>
    public static Dictionary<string, string> Compose(IReadOnlyDictionary<string, string> variables)
    {
        var root = Load(Path.Combine(Deploy, "docker-compose.yml")).Single();
        var environment = (YamlMappingNode)At(root, "services", "condobot", "environment");
        return environment.Children.ToDictionary(e => Scalar(e.Key), e => Substitute(Scalar(e.Value), variables));
    }

    /// <summary>The file a compose secret is read from, its <c>${VAR}</c> filled in.</summary>
    public static string ComposeSecretFile(string secret, IReadOnlyDictionary<string, string> variables) =>
        Substitute(Scalar(At(Load(Path.Combine(Deploy, "docker-compose.yml")).Single(), "secrets", secret, "file")), variables);

    /// <summary>The Deployment's container environment: the ConfigMap's data, then its own env, secret references resolved from <paramref name="secret"/>.</summary>
    public static Dictionary<string, string> Kubernetes(IReadOnlyDictionary<string, string> secret)
    {
        var documents = Directory.GetFiles(Path.Combine(Deploy, "kubernetes"), "*.yaml").SelectMany(Load).ToList();
        var configMap = documents.Single(d => Scalar(At(d, "kind")) == "ConfigMap");
        var deployment = documents.Single(d => Scalar(At(d, "kind")) == "Deployment");
        var container = (YamlMappingNode)((YamlSequenceNode)At(deployment, "spec", "template", "spec", "containers")).Children.Single();
        var settings = ((YamlMappingNode)At(configMap, "data")).Children.ToDictionary(e => Scalar(e.Key), e => Scalar(e.Value));
        foreach (var entry in ((YamlSequenceNode)At(container, "env")).Children.Cast<YamlMappingNode>())
        {
            var name = Scalar(At(entry, "name"));
            settings[name] = entry.Children.ContainsKey(new YamlScalarNode("value"))
                ? Scalar(At(entry, "value"))
                : secret[Scalar(At(entry, "valueFrom", "secretKeyRef", "key"))];
        }

        return settings;
    }

    /// <summary>The example Secret's keys (string and base64 data), for a test to fill in.</summary>
    public static IReadOnlyList<string> KubernetesSecretKeys()
    {
        var secret = Directory.GetFiles(Path.Combine(Deploy, "kubernetes"), "*.yaml").SelectMany(Load).Single(d => Scalar(At(d, "kind")) == "Secret");
        return [.. new[] { "stringData", "data" }
            .Where(k => secret.Children.ContainsKey(new YamlScalarNode(k)))
            .SelectMany(k => ((YamlMappingNode)At(secret, k)).Children.Keys.Select(Scalar))];
    }

    /// <summary>Where the Deployment mounts the Secret's certificate.</summary>
    public static string KubernetesMountPath(string volume)
    {
        var deployment = Directory.GetFiles(Path.Combine(Deploy, "kubernetes"), "*.yaml").SelectMany(Load).Single(d => Scalar(At(d, "kind")) == "Deployment");
        var container = (YamlMappingNode)((YamlSequenceNode)At(deployment, "spec", "template", "spec", "containers")).Children.Single();
        return ((YamlSequenceNode)At(container, "volumeMounts")).Children.Cast<YamlMappingNode>()
            .Where(m => Scalar(At(m, "name")) == volume).Select(m => Scalar(At(m, "mountPath"))).Single();
    }

    /// <summary>The unit's <c>Environment=</c> lines, then its environment file (the operator's, given here), as systemd reads them.</summary>
    public static (Dictionary<string, string> Settings, string EnvironmentFile) Systemd(string environmentFile)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        string? file = null;
        foreach (var line in File.ReadLines(Path.Combine(Deploy, "systemd", "condobot.service")))
        {
            if (line.StartsWith("Environment=", StringComparison.Ordinal)) Add(settings, line["Environment=".Length..]);
            if (line.StartsWith("EnvironmentFile=", StringComparison.Ordinal)) file = line["EnvironmentFile=".Length..];
        }

        foreach (var line in File.ReadLines(environmentFile).Where(l => l.Length > 0 && !l.StartsWith('#'))) Add(settings, line);
        return (settings, file ?? throw new InvalidOperationException("the unit names no EnvironmentFile"));
    }

    /// <summary>The image's own <c>ENV</c> settings (the compose file and the Deployment run the image).</summary>
    public static Dictionary<string, string> DockerfileEnvironment()
    {
        var text = File.ReadAllText(LocalCluster.RepoFile("Dockerfile")).Replace("\\\n", " ", StringComparison.Ordinal);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n').Where(l => l.StartsWith("ENV ", StringComparison.Ordinal)))
        {
            foreach (Match pair in EnvPair().Matches(line[4..])) settings[pair.Groups[1].Value] = pair.Groups[2].Value;
        }

        return settings;
    }

    private static void Add(Dictionary<string, string> settings, string assignment)
    {
        var (key, value) = (assignment[..assignment.IndexOf('=', StringComparison.Ordinal)], assignment[(assignment.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        settings[key] = value;
    }

    private static string Substitute(string value, IReadOnlyDictionary<string, string> variables) => Variable().Replace(value, m =>
    {
        var name = m.Groups["name"].Value;
        if (variables.TryGetValue(name, out var given)) return given;
        if (m.Groups["op"].Value == "-") return m.Groups["rest"].Value;
        throw new InvalidOperationException($"the compose file needs ${{{name}}}, which the test does not fill in");
    });

    private static List<YamlMappingNode> Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path)) stream.Load(reader);
        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    private static YamlNode At(YamlNode node, params string[] path) =>
        path.Aggregate(node, (current, key) => ((YamlMappingNode)current).Children[new YamlScalarNode(key)]);

    private static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value ?? "";

    [GeneratedRegex(@"\$\{(?<name>\w+)(?::(?<op>[?-])(?<rest>[^}]*))?\}")]
    private static partial Regex Variable();

    [GeneratedRegex(@"(\w+)=(\S+)")]
    private static partial Regex EnvPair();
}
