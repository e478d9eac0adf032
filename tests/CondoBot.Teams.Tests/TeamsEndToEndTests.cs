using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CondoBot.Teams.Tests.Fakes;
using CondoBot.Testing;

namespace CondoBot.Teams.Tests;

/// <summary>
/// The whole Teams path on the real local cluster, through the real service process on a real port: signed
/// activities from a channel link a key and start JupyterLab; the session card arrives in a 1:1 chat the bot opens
/// itself; its printed command reaches JupyterLab; the card's own Stop button ends the job.
/// </summary>
[Collection(nameof(TeamsLocalClusterCollection))]
public sealed partial class TeamsEndToEndTests : IAsyncLifetime
{
    private const string Login = "condouser3";
    private const string Channel = "19:general@thread.tacv2;messageid=1700000000000";
    private readonly LocalCluster _cluster = LocalCluster.Get();
    private readonly string _data = Directory.CreateTempSubdirectory("condobot-teams-e2e-").FullName;
    private readonly List<IDisposable> _cleanup = [];
    private FakeBotService _bot = null!;
    private BotProcess _process = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _bot = await FakeBotService.StartAsync();
        var port = TeamsStartupTests.FreePort();
        _process = BotProcess.Start(new Dictionary<string, string>
        {
            ["Clusters__local__HostKeySha256"] = _cluster.HostKeySha256,
            ["Clusters__local__LoginHost"] = _cluster.LoginHost,
            ["Clusters__local__LoginPort"] = _cluster.LoginPort.ToString(CultureInfo.InvariantCulture),
            ["Storage__DataDirectory"] = _data,
            ["Sessions__PollInterval"] = "00:00:01",
            ["Teams__AppId"] = FakeBotService.AppId,
            ["Teams__AppPassword"] = FakeBotService.AppPassword,
            ["Teams__TenantId"] = FakeBotService.TenantId,
            ["Teams__OpenIdMetadataUrl"] = _bot.BotFrameworkMetadataUrl,
            ["Teams__EntraOpenIdMetadataUrl"] = _bot.EntraMetadataUrl,
            ["Teams__TokenEndpoint"] = _bot.TokenEndpoint,
        }, "--urls", $"http://127.0.0.1:{port}");
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await TeamsStartupTests.WaitUntilUpAsync(_http, _process);
    }

    public async Task DisposeAsync()
    {
        foreach (var item in _cleanup.AsEnumerable().Reverse()) item.Dispose();
        _http.Dispose();
        _process.Dispose();
        await _bot.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task ALinkedUser_StartsFromAChannel_ReachesJupyterThroughThePrivateCard_AndStopsItWithTheCardsButton()
    {
        var person = TestPerson.New("Ada");
        var personal = ConnectorRig.PersonalPath(person);

        var linked = await SendAsync(TestActivities.InChannel(_bot.ServiceUrl, person, $"key {Login}"));
        var authorized = AuthorizedKey.Install(Login, linked);
        _cleanup.Add(new Cleanup(authorized.Dispose));
        var me = Track(new UserKey(Login, _cluster));

        var localPort = TeamsStartupTests.FreePort();
        var submitted = await SendAsync(TestActivities.InChannel(_bot.ServiceUrl, person, $"start -A birthright -p {localPort} -t 0:10:00"));
        Assert.StartsWith("Submitting JupyterLab on local as condouser3 (account birthright, 1 node, 10 min)", submitted, StringComparison.Ordinal);

        // The bot opens the 1:1 chat itself, posts the card there, and updates it in place once JupyterLab answers.
        await _bot.WaitForCallAsync(c => c.Path == "/v3/conversations" && c.Body?["members"]?[0]?["id"]?.GetValue<string>() == person.UserId, TimeSpan.FromSeconds(60));
        var card = await _bot.WaitForCallAsync(c => c.Method == "POST" && c.Path == personal && c.Body?["attachments"] is not null, TimeSpan.FromSeconds(60));
        var cardId = card.AnsweredId;
        var ready = await _bot.WaitForCallAsync(c => c.Method == "PUT" && c.Path == $"{personal}/{cardId}" && c.Body!.ToJsonString().Contains("Inside the lab network", StringComparison.Ordinal), TimeSpan.FromSeconds(120));
        var code = Monospace(ready.Body!);
        var inside = code[0];
        var url = code[^1];
        Assert.Matches($@"^ssh -N -p {_cluster.LoginPort} -L {localPort}:{_cluster.Node}:\d+ condouser3@{Regex.Escape(_cluster.LoginHost)}$", inside);
        var token = Regex.Match(url, "token=([0-9a-f]+)").Groups[1].Value;
        Assert.NotEmpty(token);
        var job = Regex.Match(ready.Body!["summary"]!.GetValue<string>(), @"^job (\d+)").Groups[1].Value;
        Assert.Contains("RUNNING", _cluster.Slurm("squeue", "--noheader", "--jobs", job, "--format=%T"), StringComparison.Ordinal);

        using (var tunnel = PrintedTunnel.Run(inside, me))
        {
            await PrintedTunnel.WaitForPortAsync(localPort, tunnel);
            using var jupyter = new HttpClient();
            var status = await jupyter.GetAsync(new Uri($"http://localhost:{localPort}/api/status?token={token}"));
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
            tunnel.Kill();
        }

        // The Stop button's own data, sent back by the person who pressed it, as Teams does.
        var stopData = ready.Body!["attachments"]![0]!["content"]!["actions"]!.AsArray()
            .Single(a => a!["type"]!.GetValue<string>() == "Action.Submit" && a["title"]!.GetValue<string>() == "Stop")!["data"]!;
        var stopping = await SendAsync(TestActivities.CardSubmit(_bot.ServiceUrl, person, stopData));
        Assert.Equal($"Stopping job {job}. I'll tell you when it has ended.", stopping);
        await _bot.WaitForCallAsync(c => c.Method == "PUT" && c.Path == $"{personal}/{cardId}" && c.Body!["summary"]!.GetValue<string>().Contains("ended: stopped by you", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        await _bot.WaitForCallAsync(c => c.Method == "POST" && c.Path == personal && c.Body?["text"]?.GetValue<string>().StartsWith($"Job {job} has ended", StringComparison.Ordinal) == true, TimeSpan.FromSeconds(30));
        Assert.Equal("", _cluster.Slurm("squeue", "--noheader", "--jobs", job, "--states=running,pending").Trim());

        // The token went only to the private chat, never to the channel or the service's log.
        var inChannel = _bot.ConnectorCalls.Where(c => c.Path.Contains(Uri.EscapeDataString(Channel), StringComparison.Ordinal)).ToList();
        Assert.Equal(2, inChannel.Count);
        Assert.All(inChannel, c => Assert.DoesNotContain(token, c.Body!.ToJsonString(), StringComparison.Ordinal));
        Assert.DoesNotContain(token, _process.Stdout + _process.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeBotService.AppPassword, _process.Stdout + _process.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(_bot.LastToken!, _process.Stdout + _process.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Posts a signed activity to the service and answers the text of its reply in the same conversation.</summary>
    private async Task<string> SendAsync(JsonObject activity)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", _bot.BotFrameworkKeys[0].Sign(TeamsApp.ValidSpec(activity)));
        var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var id = activity["id"]!.GetValue<string>();
        var reply = await _bot.WaitForCallAsync(c => c.Body?["replyToId"]?.GetValue<string>() == id, TimeSpan.FromSeconds(15));
        return reply.Body!["text"]!.GetValue<string>();
    }

    private static List<string> Monospace(JsonNode activity) =>
        [.. activity["attachments"]![0]!["content"]!["body"]!.AsArray()
            .Where(b => b!["type"]!.GetValue<string>() == "RichTextBlock")
            .SelectMany(b => b!["inlines"]!.AsArray())
            .Where(r => r!["fontType"]?.GetValue<string>() == "Monospace")
            .Select(r => r!["text"]!.GetValue<string>())];

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

/// <summary>Tests that start jobs on the shared local cluster run one class at a time.</summary>
[CollectionDefinition(nameof(TeamsLocalClusterCollection), DisableParallelization = true)]
public sealed class TeamsLocalClusterCollection;
