using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CondoBot.Testing;
using Npgsql;

namespace CondoBot.Host.Tests;

/// <summary>
/// The real service process started from each shipped deployment file's own settings, with only what an operator fills
/// in filled in (their login node, its fingerprint, secrets, a key ring certificate; Slack's secrets, to send it a
/// command), against the local cluster and, where the file uses it, the local PostgreSQL: it is healthy and ready, and
/// a signed Slack <c>start</c> becomes a Slurm job. The container image itself is not built here (no Docker engine on
/// the test machines); the settings are the compose file's and the Deployment's, with the image's ENV.
/// </summary>
[Collection(nameof(LocalClusterCollection))]
public sealed partial class DeployFileStartTests : IDisposable
{
    private const string Login = "condouser";
    private const string Team = "T0DEPLOY";
    private readonly LocalCluster _cluster = LocalCluster.Get();
    private readonly string _root = Directory.CreateTempSubdirectory("condobot-deploy-").FullName;
    private readonly string _signingSecret = Secret();
    private readonly string _keyRingPassword = Secret();
    private readonly string _user = "U" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
    private readonly List<IDisposable> _cleanup = [];

    public void Dispose()
    {
        foreach (var item in _cleanup.AsEnumerable().Reverse()) item.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private static string Secret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    private string Folder(string name) => Directory.CreateDirectory(Path.Combine(_root, name)).FullName;

    private string Port => _cluster.LoginPort.ToString(CultureInfo.InvariantCulture);

    /// <summary>The local PostgreSQL in the place of the deployment's database server.</summary>
    private string LocalDatabase(string shipped)
    {
        var postgres = LocalPostgres.CreateDatabase();
        _cleanup.Add(postgres);
        var local = new NpgsqlConnectionStringBuilder(postgres.ConnectionString);
        var builder = new NpgsqlConnectionStringBuilder(shipped) { Host = local.Host, Port = local.Port, Database = local.Database, Username = local.Username, Password = local.Password };
        return builder.ConnectionString;
    }

    /// <summary>Slack's two secrets, and a Web API on loopback where nothing answers (the direct messages wait in the outbox).</summary>
    private Dictionary<string, string> Slack() => new()
    {
        ["Slack__SigningSecret"] = _signingSecret,
        ["Slack__BotToken"] = "xoxb-" + Secret(),
        ["Slack__ApiBaseUrl"] = "http://127.0.0.1:9/api/",
    };

    [Fact]
    public async Task TheComposeFilesSettings_StartAServiceThatIsReady_AndTurnsASignedStartIntoAJob()
    {
        var certificate = TestCertificate.WritePfx(Folder("compose"), _keyRingPassword);
        var variables = new Dictionary<string, string>
        {
            ["POSTGRES_PASSWORD"] = "filled-in-below",
            ["CONDO_LOGIN_HOST"] = _cluster.LoginHost,
            ["CONDO_HOST_KEY_SHA256"] = _cluster.HostKeySha256,
            ["CONDOBOT_ADMIN_PASSWORD"] = Secret(),
            ["CONDOBOT_KEYRING_PASSWORD"] = _keyRingPassword,
            ["CONDOBOT_KEYRING_CERTIFICATE"] = certificate,
        };
        var settings = DeployFileSettings.DockerfileEnvironment();
        foreach (var (key, value) in DeployFileSettings.Compose(variables)) settings[key] = value;
        Assert.Equal("/data", settings["Storage__DataDirectory"]);
        settings["Storage__DataDirectory"] = Folder("compose-data");
        Assert.Equal("/run/secrets/keyring.pfx", settings["DataProtection__CertificatePath"]);
        settings["DataProtection__CertificatePath"] = DeployFileSettings.ComposeSecretFile("keyring", variables);
        settings["ConnectionStrings__CondoBot"] = LocalDatabase(settings["ConnectionStrings__CondoBot"]);
        settings["Clusters__condo__LoginPort"] = Port;

        await RunsAndStartsAJobAsync(settings, "condo");
    }

    [Fact]
    public async Task TheKubernetesConfigMapAndDeployment_WithTheExampleSecretFilledIn_StartAServiceThatIsReady_AndTurnsASignedStartIntoAJob()
    {
        var mount = DeployFileSettings.KubernetesMountPath("keyring");
        var certificates = Folder("kubernetes-keyring");
        TestCertificate.WritePfx(certificates, _keyRingPassword, "keyring");
        var secret = new Dictionary<string, string>
        {
            ["connection-string"] = LocalDatabase("Host=postgres.example;Database=condobot;Username=condobot;Password=unused"),
            ["admin-password"] = Secret(),
            ["keyring-password"] = _keyRingPassword,
        };
        Assert.Equal(["admin-password", "connection-string", "keyring-password", "keyring.pfx"], DeployFileSettings.KubernetesSecretKeys().Order(StringComparer.Ordinal));
        var settings = DeployFileSettings.DockerfileEnvironment();
        foreach (var (key, value) in DeployFileSettings.Kubernetes(secret)) settings[key] = value;
        Assert.Equal("SHA256:REPLACE-WITH-THE-LOGIN-NODE-FINGERPRINT", settings["Clusters__condo__HostKeySha256"]);
        settings["Clusters__condo__HostKeySha256"] = _cluster.HostKeySha256;
        settings["Clusters__condo__LoginHost"] = _cluster.LoginHost;
        settings["Clusters__condo__LoginPort"] = Port;
        settings["Storage__DataDirectory"] = Folder("kubernetes-data");
        Assert.StartsWith(mount + "/", settings["DataProtection__CertificatePath"], StringComparison.Ordinal);
        settings["DataProtection__CertificatePath"] = Path.Combine(certificates, settings["DataProtection__CertificatePath"][(mount.Length + 1)..]);

        await RunsAndStartsAJobAsync(settings, "condo");
    }

    [Fact]
    public async Task TheSystemdUnit_WithItsEnvironmentFile_StartsAServiceThatIsReady_AndTurnsASignedStartIntoAJob()
    {
        var etc = Folder("etc-condobot");
        var environmentFile = Path.Combine(etc, "condobot.env");
        var lines = new List<string>
        {
            $"Clusters__condo__LoginHost={_cluster.LoginHost}",
            $"Clusters__condo__LoginPort={Port}",
            $"Clusters__condo__HostKeySha256={_cluster.HostKeySha256}",
            $"DataProtection__CertificatePassword={_keyRingPassword}",
            $"Admin__Password={Secret()}",
        };
        lines.AddRange(Slack().Select(s => $"{s.Key}={s.Value}"));
        File.WriteAllLines(environmentFile, lines);
        var (settings, shippedFile) = DeployFileSettings.Systemd(environmentFile);
        Assert.Equal("/etc/condobot/condobot.env", shippedFile);
        Assert.Equal("/var/lib/condobot", settings["Storage__DataDirectory"]);
        settings["Storage__DataDirectory"] = Folder("var-lib-condobot");
        Assert.Equal("/etc/condobot/keyring.pfx", settings["DataProtection__CertificatePath"]);
        settings["DataProtection__CertificatePath"] = TestCertificate.WritePfx(etc, _keyRingPassword, "keyring");
        Assert.Equal("http://127.0.0.1:8080", settings["ASPNETCORE_URLS"]);

        await RunsAndStartsAJobAsync(settings, "condo");
    }

    private async Task RunsAndStartsAJobAsync(Dictionary<string, string> settings, string cluster)
    {
        foreach (var (key, value) in Slack()) settings.TryAdd(key, value);
        var address = new Uri($"http://127.0.0.1:{WebBot.FreePort()}");
        settings["ASPNETCORE_URLS"] = address.ToString();
        settings.Remove("ASPNETCORE_HTTP_PORTS");
        using var bot = BotProcess.Start(settings);
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };

        Assert.Equal(HttpStatusCode.OK, await UntilAnsweredAsync(http, "/healthz", bot));
        var ready = await ReadyAfterTheLoginNodeCheckAsync(http, cluster, bot);
        Assert.True(ready.Status == HttpStatusCode.OK, ready.Body);
        Assert.Contains($"\"cluster:{cluster}\":\"ok\"", ready.Body, StringComparison.Ordinal);

        var linked = await CommandAsync(http, $"key {Login}");
        var authorized = AuthorizedKey.Install(Login, linked);
        _cleanup.Add(new Cleanup(authorized.Dispose));

        var started = await CommandAsync(http, "start -A cnms -t 0:30:00");
        Assert.Contains($"Submitting JupyterLab on {cluster} as {Login}", started, StringComparison.Ordinal);
        var submitted = await bot.WaitForAsync($@"Submitted job (?<job>\d+) for slack:{Team}:{_user}", TimeSpan.FromMinutes(2));
        var job = submitted.Groups["job"].Value;
        var queued = _cluster.Slurm("squeue", "--noheader", "--jobs", job, "--format=%u %j");
        Assert.Equal($"{Login} condobot", queued.Trim());
        // Disposing the process cancels every job it mentioned, this one included.
    }

    private static async Task<HttpStatusCode> UntilAnsweredAsync(HttpClient http, string path, BotProcess bot)
    {
        for (var i = 0; ; i++)
        {
            if (bot.HasExited) throw new InvalidOperationException($"The service exited:\n{bot.Stdout}\n{bot.Stderr}");
            try
            {
                return (await http.GetAsync(new Uri(path, UriKind.Relative))).StatusCode;
            }
            catch (HttpRequestException) when (i < 300)
            {
                await Task.Delay(200);
            }
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> ReadyAfterTheLoginNodeCheckAsync(HttpClient http, string cluster, BotProcess bot)
    {
        for (var i = 0; ; i++)
        {
            using var response = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();
            using var json = JsonDocument.Parse(body);
            var state = json.RootElement.GetProperty("loginNodes").GetProperty(cluster).GetProperty("state").GetString();
            if (state != "not checked yet" || i > 300) return (response.StatusCode, body);
            if (bot.HasExited) throw new InvalidOperationException($"The service exited:\n{bot.Stdout}\n{bot.Stderr}");
            await Task.Delay(100);
        }
    }

    /// <summary>A slash command signed as Slack signs it; answers the ephemeral reply's text.</summary>
    private async Task<string> CommandAsync(HttpClient http, string text)
    {
        var body = string.Join('&', new[]
        {
            ("team_id", Team), ("channel_id", "C0DEPLOY"), ("user_id", _user), ("user_name", "operator"), ("command", "/condo"),
            ("text", text), ("api_app_id", "A0DEPLOY"), ("trigger_id", Guid.NewGuid().ToString("N")),
        }.Select(f => Uri.EscapeDataString(f.Item1) + "=" + Uri.EscapeDataString(f.Item2)));
        var bytes = Encoding.UTF8.GetBytes(body);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        byte[] signed = [.. Encoding.ASCII.GetBytes($"v0:{timestamp}:"), .. bytes];
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(_signingSecret), signed);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/slack/commands", UriKind.Relative))
        {
            Content = new ByteArrayContent(bytes) { Headers = { ContentType = new("application/x-www-form-urlencoded") } },
        };
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", "v0=" + Convert.ToHexStringLower(signature));
        using var response = await http.SendAsync(request);
        var answer = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, answer);
        using var json = JsonDocument.Parse(answer);
        return json.RootElement.GetProperty("text").GetString()!;
    }


    private sealed class Cleanup(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
