using CondoBot.Testing;
using YamlDotNet.RepresentationModel;

namespace CondoBot.Host.Tests;

/// <summary>Every deployment file parses, and the Kubernetes manifests carry what running two replicas needs.</summary>
public sealed class DeployManifestTests
{
    private static readonly string Deploy = LocalCluster.RepoFile("deploy");

    private static List<YamlMappingNode> Documents(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path)) stream.Load(reader);
        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    private static YamlNode At(YamlNode node, params string[] path) =>
        path.Aggregate(node, (current, key) => ((YamlMappingNode)current).Children[new YamlScalarNode(key)]);

    private static string Text(YamlNode node, params string[] path) => ((YamlScalarNode)At(node, path)).Value!;

    private static List<YamlMappingNode> Kubernetes() =>
        [.. Directory.GetFiles(Path.Combine(Deploy, "kubernetes"), "*.yaml").SelectMany(Documents)];

    [Fact]
    public void EveryKubernetesManifest_Parses_AndNamesItsApiVersionKindAndName()
    {
        var documents = Kubernetes();

        Assert.NotEmpty(documents);
        Assert.All(documents, d =>
        {
            Assert.False(string.IsNullOrEmpty(Text(d, "apiVersion")));
            Assert.False(string.IsNullOrEmpty(Text(d, "kind")));
            Assert.Equal("condobot", Text(d, "metadata", "name"));
        });
        Assert.Equal(["ConfigMap", "Deployment", "Secret", "Service"], documents.Select(d => Text(d, "kind")).Order());
    }

    [Fact]
    public void TheDeployment_RunsTwoNonRootReplicasOnPostgres_ProbesHealthzAndReadyz_AndTakesCredentialsFromTheSecret()
    {
        var deployment = Kubernetes().Single(d => Text(d, "kind") == "Deployment");
        var pod = At(deployment, "spec", "template", "spec");
        var container = (YamlMappingNode)((YamlSequenceNode)At(pod, "containers")).Children.Single();

        Assert.Equal("2", Text(deployment, "spec", "replicas"));
        Assert.Equal("true", Text(pod, "securityContext", "runAsNonRoot"));
        Assert.Equal("/healthz", Text(container, "livenessProbe", "httpGet", "path"));
        Assert.Equal("/readyz", Text(container, "readinessProbe", "httpGet", "path"));
        var env = ((YamlSequenceNode)At(container, "env")).Children.Cast<YamlMappingNode>().ToDictionary(e => Text(e, "name"));
        Assert.Equal("Postgres", Text(env["Storage__Provider"], "value"));
        Assert.Equal("condobot", Text(env["ConnectionStrings__CondoBot"], "valueFrom", "secretKeyRef", "name"));
        Assert.DoesNotContain(env.Values, e => Text(e, "name").Contains("Password", StringComparison.Ordinal) && e.Children.ContainsKey(new YamlScalarNode("value")));
        var service = Kubernetes().Single(d => Text(d, "kind") == "Service");
        Assert.Equal(Text(deployment, "spec", "selector", "matchLabels", "app.kubernetes.io/name"), Text(service, "spec", "selector", "app.kubernetes.io/name"));
    }

    [Fact]
    public void TheComposeFile_RunsTheBotOnPostgres_AndTheSystemdUnit_RunsItAsItsOwnUser()
    {
        var compose = Documents(Path.Combine(Deploy, "docker-compose.yml")).Single();
        Assert.Equal("Postgres", Text(compose, "services", "condobot", "environment", "Storage__Provider"));
        Assert.Equal("service_healthy", Text(compose, "services", "condobot", "depends_on", "postgres", "condition"));

        var unit = File.ReadAllLines(Path.Combine(Deploy, "systemd", "condobot.service"));
        Assert.Contains("User=condobot", unit);
        Assert.Contains(unit, l => l.StartsWith("ExecStart=/usr/bin/dotnet ", StringComparison.Ordinal));
        Assert.Contains(unit, l => l.StartsWith("EnvironmentFile=", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryProductionDeployFile_ConfiguresAKeyRingCertificate_AndTheComposeFilePublishesOnlyTheBotOnLoopback()
    {
        var compose = Documents(Path.Combine(Deploy, "docker-compose.yml")).Single();
        Assert.Equal("/run/secrets/keyring.pfx", Text(compose, "services", "condobot", "environment", "DataProtection__CertificatePath"));
        var ports = (YamlSequenceNode)At(compose, "services", "condobot", "ports");
        Assert.Equal(["127.0.0.1:8080:8080"], ports.Children.Select(p => ((YamlScalarNode)p).Value));
        Assert.False(((YamlMappingNode)At(compose, "services", "postgres")).Children.ContainsKey(new YamlScalarNode("ports")));

        var deployment = Kubernetes().Single(d => Text(d, "kind") == "Deployment");
        var container = (YamlMappingNode)((YamlSequenceNode)At(deployment, "spec", "template", "spec", "containers")).Children.Single();
        var env = ((YamlSequenceNode)At(container, "env")).Children.Cast<YamlMappingNode>().ToDictionary(e => Text(e, "name"));
        Assert.StartsWith("/etc/condobot/keyring/", Text(env["DataProtection__CertificatePath"], "value"), StringComparison.Ordinal);
        Assert.Equal("keyring-password", Text(env["DataProtection__CertificatePassword"], "valueFrom", "secretKeyRef", "key"));

        var unit = File.ReadAllLines(Path.Combine(Deploy, "systemd", "condobot.service"));
        Assert.Contains("Environment=DataProtection__CertificatePath=/etc/condobot/keyring.pfx", unit);
    }
}
