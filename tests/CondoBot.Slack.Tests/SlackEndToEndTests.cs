using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CondoBot.Slack.Messages;
using CondoBot.Slack.Tests.Fakes;
using CondoBot.Testing;
using static CondoBot.Slack.Tests.Fakes.SignedRequests;

namespace CondoBot.Slack.Tests;

/// <summary>
/// The whole Slack path on the real local cluster, through the real service process started as the README says, with
/// <c>Slack__ApiBaseUrl</c> pointed at a fake Slack: signed commands link a key and start JupyterLab, the DM's status
/// message turns into the tunnel command, that command (run as printed) reaches JupyterLab, and the Stop button ends it.
/// </summary>
[Collection(nameof(LocalClusterCollection))]
public sealed partial class SlackEndToEndTests : IAsyncLifetime
{
    private const string Login = "condouser";
    private readonly LocalCluster _cluster = LocalCluster.Get();
    private readonly string _data = Directory.CreateTempSubdirectory("condobot-slack-e2e-").FullName;
    private readonly List<IDisposable> _cleanup = [];
    private readonly string _user = "U" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
    private readonly HttpClient _http = new();
    private FakeSlack _slack = null!;
    private BotProcess _bot = null!;

    public async Task InitializeAsync()
    {
        _slack = await FakeSlack.StartAsync();
        var port = PrintedTunnel.FreePort();
        _bot = BotProcess.Start(new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["Clusters__local__HostKeySha256"] = _cluster.HostKeySha256,
            ["Clusters__local__LoginHost"] = _cluster.LoginHost,
            ["Clusters__local__LoginPort"] = _cluster.LoginPort.ToString(CultureInfo.InvariantCulture),
            ["Storage__DataDirectory"] = _data,
            ["Sessions__PollInterval"] = "00:00:01",
            ["Slack__SigningSecret"] = Secret,
            ["Slack__BotToken"] = FakeSlack.BotToken,
            ["Slack__ApiBaseUrl"] = _slack.ApiBaseUrl.ToString(),
        });
        _http.BaseAddress = new Uri($"http://127.0.0.1:{port}");
        for (var i = 0; ; i++)
        {
            try
            {
                using var health = await _http.GetAsync(new Uri("/healthz", UriKind.Relative));
                if (health.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) when (i < 600 && !_bot.HasExited)
            {
            }

            if (_bot.HasExited || i >= 600) throw new InvalidOperationException($"the service did not start:\n{_bot.Stdout}\n{_bot.Stderr}");
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var item in _cleanup.AsEnumerable().Reverse()) item.Dispose();
        _bot.Dispose();
        _http.Dispose();
        await _slack.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task ASignedStart_LeadsToAStatusMessageWithAWorkingTunnel_AndTheStopButtonEndsTheJob()
    {
        var person = Track(new UserKey(Login, _cluster));
        var linked = await CommandAsync($"key {Login}");
        var authorized = AuthorizedKey.Install(Login, linked);
        _cleanup.Add(new Cleanup(authorized.Dispose));

        using (var forged = await _http.SendAsync(Post("/slack/commands", CommandBody("start", _user), secret: "forged")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        }

        var localPort = PrintedTunnel.FreePort();
        var started = await CommandAsync($"start -A cnms -p {localPort} -t 0:30:00");
        Assert.Contains("Submitting JupyterLab on local as condouser (account cnms, 1 node, 30 min)", started, StringComparison.Ordinal);

        var first = await _slack.WaitForCallAsync("chat.postMessage", c => c.Field("channel") == "D" + _user, TimeSpan.FromSeconds(60));
        var submitted = Assert.Single(first.Buttons, b => b.ActionId == Buttons.Stop).Value;
        // The job is this test's own: if anything below fails, it must not stay queued on the shared cluster.
        _cleanup.Add(new Cleanup(() => CancelIfQueued(submitted)));
        // The local cluster is shared by every test run on the machine; a busy {_cluster.Node} can hold the job a while.
        var ready = await _slack.WaitForCallAsync("chat.update", c => c.BlockText.Contains("*JupyterLab is ready*", StringComparison.Ordinal), TimeSpan.FromMinutes(4));
        Assert.Equal((first.Field("channel"), first.AnswerTs), (ready.Field("channel"), ready.Field("ts")));
        Assert.Single(_slack.CallsTo("chat.postMessage"), c => c.Field("channel") == "D" + _user && c.ThreadTs is null);
        // The edit makes no sound: a short reply under the status message does, and it carries no token.
        var readyReply = await _slack.WaitForCallAsync("chat.postMessage", c => c.ThreadTs == first.AnswerTs && c.Text.StartsWith("JupyterLab is ready", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        var inside = Regex.Match(ready.BlockText, "```(?<cmd>ssh [^`]+)```").Groups["cmd"].Value;
        var url = Regex.Match(ready.BlockText, @"Then open (?<url>http://localhost:\d+/lab\?token=(?<token>[0-9a-f]+))");
        Assert.Matches($@"^ssh -N -p {_cluster.LoginPort} -L {localPort}:{_cluster.Node}:\d+ condouser@{Regex.Escape(_cluster.LoginHost)}$", inside);
        var job = Assert.Single(ready.Buttons, b => b.ActionId == Buttons.Stop).Value;
        Assert.Equal(submitted, job);
        Assert.Contains("RUNNING", _cluster.Slurm("squeue", "--noheader", "--jobs", job, "--format=%T"), StringComparison.Ordinal);

        using (var tunnel = PrintedTunnel.Run(inside, person))
        {
            await PrintedTunnel.WaitForPortAsync(localPort, tunnel);
            using var jupyter = new HttpClient(new HttpClientHandler { UseCookies = false });
            using var status = await jupyter.GetAsync(new Uri($"http://localhost:{localPort}/api/status?token={url.Groups["token"].Value}"));
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
            using var anonymous = await jupyter.GetAsync(new Uri($"http://localhost:{localPort}/api/status"));
            Assert.Equal(HttpStatusCode.Forbidden, anonymous.StatusCode);
            tunnel.Kill();
        }

        using (var click = await _http.SendAsync(Post("/slack/interactivity", ClickBody(ClickPayload(Buttons.Stop, job, _user, channel: "D" + _user)))))
        {
            Assert.Equal(HttpStatusCode.OK, click.StatusCode);
            Assert.Equal("", await click.Content.ReadAsStringAsync());
        }

        var told = await _slack.WaitForCallAsync("chat.postEphemeral", c => c.Field("user") == _user, TimeSpan.FromSeconds(30));
        Assert.Contains($"Stopping job {job}", told.Text, StringComparison.Ordinal);
        var ended = await _slack.WaitForCallAsync("chat.update", c => c.BlockText.Contains($"Job {job} has ended", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        Assert.Contains("stopped by you", ended.BlockText, StringComparison.Ordinal);
        Assert.Equal(first.AnswerTs, ended.Field("ts"));
        Assert.Empty(ended.Buttons);
        var endedReply = await _slack.WaitForCallAsync("chat.postMessage", c => c.ThreadTs == first.AnswerTs && c.Text.Contains("has ended", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.All([readyReply, endedReply], r => Assert.DoesNotContain(url.Groups["token"].Value, r.Text + r.BlockText, StringComparison.Ordinal));
        Assert.Equal("", _cluster.Slurm("squeue", "--noheader", "--jobs", job, "--states=running,pending").Trim());

        Assert.Empty(_slack.Violations);
        var output = _bot.Stdout + _bot.Stderr;
        Assert.DoesNotContain(url.Groups["token"].Value, output, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeSlack.BotToken, output, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, output, StringComparison.Ordinal);
    }

    /// <summary>Sends a signed <c>/condo TEXT</c> and answers the ephemeral reply's text, checking it came within 3 s.</summary>
    private async Task<string> CommandAsync(string text)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var response = await _http.SendAsync(Post("/slack/commands", CommandBody(text, _user)));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"`{text}` answered in {watch.Elapsed}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ephemeral", reply["response_type"]!.GetValue<string>());
        return reply["text"]!.GetValue<string>();
    }

    private void CancelIfQueued(string job)
    {
        try
        {
            if (_cluster.Slurm("squeue", "--noheader", "--jobs", job, "--states=running,pending").Trim().Length > 0)
            {
                _cluster.Slurm("scancel", job);
            }
        }
        catch (InvalidOperationException)
        {
            // Slurm has already forgotten the job ("Invalid job id"): it is gone, which is all this wants.
        }
    }

    private T Track<T>(T item)
        where T : IDisposable
    {
        _cleanup.Add(item);
        return item;
    }


    private sealed class Cleanup(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}

/// <summary>Tests that start jobs on the shared local cluster run one at a time.</summary>
[CollectionDefinition(nameof(LocalClusterCollection), DisableParallelization = true)]
public sealed class LocalClusterCollection;
