using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using CondoBot.Slack.Tests.Fakes;
using static CondoBot.Slack.Tests.Fakes.SignedRequests;

namespace CondoBot.Slack.Tests;

/// <summary>
/// <c>POST /slack/commands</c> through the real service: only a request signed with the app's secret, within five
/// minutes, with its body untouched, does anything; the answer is ephemeral and comes at once.
/// </summary>
public sealed class SlashCommandEndpointTests(SlackHostFixture fixture) : IClassFixture<SlackHostFixture>
{
    private readonly HttpClient _client = fixture.Client;
    private readonly SlackHost _host = fixture.Host;

    private static string NewUser() => "U" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    [Fact]
    public async Task ARetryStormOfOneCommand_StartsOneSession()
    {
        var user = NewUser();
        await _host.LinkAsync(user);
        var body = CommandBody("start -A cnms -t 1:00:00", user, NewTrigger());

        var storm = Enumerable.Range(0, 30).Select(async i =>
        {
            using var request = Post("/slack/commands", body);
            if (i > 0) request.Headers.Add("X-Slack-Retry-Num", ((i % 3) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var response = await _client.SendAsync(request);
            return response.StatusCode;
        });
        var answers = await Task.WhenAll(storm);

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));
        var session = Assert.Single(await _host.SessionsOfAsync(user));
        Assert.Single(await _host.Work.WaitForAsync(s => s.Step == "submit" && s.Session == session.Id));
    }

    [Fact]
    public async Task AValidlySignedStart_IsAnsweredEphemerallyWithinThreeSeconds_AndStartsOneSessionForThatUser()
    {
        var user = NewUser();
        await _host.LinkAsync(user);

        var watch = Stopwatch.StartNew();
        using var response = await _client.SendAsync(Post("/slack/commands", CommandBody("start -A cnms -t 2:00:00", user)));
        watch.Stop();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"answered in {watch.Elapsed}");
        var reply = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ephemeral", reply["response_type"]!.GetValue<string>());
        Assert.Contains("Submitting JupyterLab on local as condouser (account cnms, 1 node, 2 h)", reply["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Submitting JupyterLab", reply["blocks"]![0]!["text"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);

        var session = Assert.Single(await _host.SessionsOfAsync(user));
        Assert.Equal($"slack:{Team}:{user}", session.Owner.ToString());
        Assert.Equal("cnms", session.Account);
        await _host.Work.WaitForAsync(s => s.Step == "submit" && s.Session == session.Id);
    }

    [Fact]
    public async Task BadInput_GetsTheUsageAsAnEphemeralReply_AndChangesNothing()
    {
        var user = NewUser();
        await _host.LinkAsync(user);

        using var response = await _client.SendAsync(Post("/slack/commands", CommandBody("start -n two", user)));

        var reply = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ephemeral", reply["response_type"]!.GetValue<string>());
        Assert.Contains("`two` is not a node count", reply["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(await _host.SessionsOfAsync(user));
    }

    public static TheoryData<string, Func<string, HttpRequestMessage>> Forgeries => new()
    {
        { "signed with another secret", body => Post("/slack/commands", body, secret: "not-the-apps-signing-secret") },
        { "a timestamp 301 s old", body => Post("/slack/commands", body, at: DateTimeOffset.UtcNow.AddSeconds(-301)) },
        { "a timestamp 301 s ahead", body => Post("/slack/commands", body, at: DateTimeOffset.UtcNow.AddSeconds(301)) },
        { "a timestamp a day old", body => Post("/slack/commands", body, at: DateTimeOffset.UtcNow.AddDays(-1)) },
        { "no signature headers", body => Unsigned("/slack/commands", Encoding.UTF8.GetBytes(body)) },
        { "no timestamp header", body => Without(Post("/slack/commands", body), "X-Slack-Request-Timestamp") },
        { "no signature header", body => Without(Post("/slack/commands", body), "X-Slack-Signature") },
        { "a signature that is not hex", body => Replace(Post("/slack/commands", body), "X-Slack-Signature", "v0=" + new string('z', 64)) },
        { "a v1 signature", body => Replace(Post("/slack/commands", body), "X-Slack-Signature", "v1=" + new string('0', 64)) },
        { "a body changed after signing", body => Tampered(body) },
        { "a correctly signed 12-digit timestamp (past the year 9999)", body => SignedAt(body, "999999999999") },
        { "a correctly signed timestamp of 0", body => SignedAt(body, "0") },
        { "the signature of another timestamp", body => Replace(Post("/slack/commands", body), "X-Slack-Request-Timestamp", DateTimeOffset.UtcNow.AddSeconds(-5).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)) },
    };

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task AForgedOrStaleRequest_Gets401_AndChangesNothing(string what, Func<string, HttpRequestMessage> forge)
    {
        var user = NewUser();
        await _host.LinkAsync(user);
        var before = _host.Work.Steps.Count;

        using var response = await _client.SendAsync(forge(CommandBody("start", user)));

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{what}: {response.StatusCode}");
        Assert.DoesNotContain("Submitting", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await _host.SessionsOfAsync(user));
        Assert.Equal(before, _host.Work.Steps.Count);
    }

    [Fact]
    public async Task ARetriedDelivery_GetsTheFirstAnswer_AndNeverStartsASecondSession()
    {
        var user = NewUser();
        await _host.LinkAsync(user);
        var body = CommandBody("start -t 30", user);

        using var first = await _client.SendAsync(Post("/slack/commands", body));
        var retry = Post("/slack/commands", body);
        retry.Headers.Add("X-Slack-Retry-Num", "1");
        retry.Headers.Add("X-Slack-Retry-Reason", "http_timeout");
        using var second = await _client.SendAsync(retry);
        using var third = await _client.SendAsync(Post("/slack/commands", body));

        var firstText = JsonNode.Parse(await first.Content.ReadAsStringAsync())!["text"]!.GetValue<string>();
        Assert.Contains("Submitting JupyterLab", firstText, StringComparison.Ordinal);
        Assert.Equal(firstText, JsonNode.Parse(await second.Content.ReadAsStringAsync())!["text"]!.GetValue<string>());
        Assert.Equal(firstText, JsonNode.Parse(await third.Content.ReadAsStringAsync())!["text"]!.GetValue<string>());
        var session = Assert.Single(await _host.SessionsOfAsync(user));
        Assert.Single(await _host.Work.WaitForAsync(s => s.Step == "submit" && s.Session == session.Id));
    }

    [Fact]
    public async Task ARetriedStatus_IsAnsweredAgain_WithoutRecordingTheRequest()
    {
        var user = NewUser();
        var trigger = NewTrigger();
        var body = CommandBody("status", user, trigger);

        using var first = await _client.SendAsync(Post("/slack/commands", body));
        var retry = Post("/slack/commands", body);
        retry.Headers.Add("X-Slack-Retry-Num", "1");
        using var second = await _client.SendAsync(retry);

        var firstText = JsonNode.Parse(await first.Content.ReadAsStringAsync())!["text"]!.GetValue<string>();
        Assert.Contains("You have no sessions", firstText, StringComparison.Ordinal);
        Assert.Equal(firstText, JsonNode.Parse(await second.Content.ReadAsStringAsync())!["text"]!.GetValue<string>());
        Assert.Null(await _host.Get<IChatStateStore>().GetAsync("slack:req:" + trigger, CancellationToken.None));
    }

    public static TheoryData<string, Func<string, HttpRequestMessage>> Malformed => new()
    {
        { "no user_id", user => Post("/slack/commands", Form(("team_id", Team), ("text", "start"), ("trigger_id", NewTrigger()))) },
        { "no trigger_id", user => Post("/slack/commands", Form(("team_id", Team), ("user_id", user), ("text", "start"))) },
        { "a user id that is not Slack's", user => Post("/slack/commands", Form(("team_id", Team), ("user_id", "../" + user), ("text", "start"), ("trigger_id", NewTrigger()))) },
        { "user_id twice", user => Post("/slack/commands", CommandBody("start", user) + "&user_id=U0OTHER") },
        { "a JSON body", user => Post("/slack/commands", $$"""{"team_id":"{{Team}}","user_id":"{{user}}","text":"start"}""", contentType: "application/json") },
        { "bytes that are not UTF-8", user => Post("/slack/commands", [.. Encoding.UTF8.GetBytes(CommandBody("start", user)), 0xff, 0xfe]) },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task AValidlySignedButMalformedForm_Gets400_AndChangesNothing(string what, Func<string, HttpRequestMessage> build)
    {
        var user = NewUser();
        await _host.LinkAsync(user);

        using var response = await _client.SendAsync(build(user));

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {response.StatusCode}");
        Assert.Empty(await _host.SessionsOfAsync(user));
    }

    [Fact]
    public async Task ABodyOver64KiB_Gets413_AndChangesNothing()
    {
        var user = NewUser();
        await _host.LinkAsync(user);

        using var response = await _client.SendAsync(Post("/slack/commands", CommandBody("start", user) + "&padding=" + new string('x', 64 * 1024)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(await _host.SessionsOfAsync(user));
    }

    [Fact]
    public async Task SlacksUnsignedSslCheck_Gets200_AndChangesNothing()
    {
        var steps = _host.Work.Steps.Count;

        using var response = await _client.SendAsync(Unsigned("/slack/commands", Encoding.UTF8.GetBytes("ssl_check=1&token=deprecated")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        Assert.Equal(steps, _host.Work.Steps.Count);
    }

    [Fact]
    public async Task TwoSlackUsers_EachSeeOnlyTheirOwnSessions()
    {
        var (alice, bob) = (NewUser(), NewUser());
        await _host.QueuedSessionAsync(alice, 9001);

        using var response = await _client.SendAsync(Post("/slack/commands", CommandBody("status", bob)));

        Assert.Contains("You have no sessions", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(SessionState.Queued, Assert.Single(await _host.SessionsOfAsync(alice)).State);
    }

    private static HttpRequestMessage Without(HttpRequestMessage request, string header)
    {
        request.Headers.Remove(header);
        return request;
    }

    private static HttpRequestMessage SignedAt(string body, string timestamp)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = Unsigned("/slack/commands", bytes);
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", Signature(Secret, timestamp, bytes));
        return request;
    }

    private static HttpRequestMessage Replace(HttpRequestMessage request, string header, string value)
    {
        request.Headers.Remove(header);
        request.Headers.Add(header, value);
        return request;
    }

    /// <summary>Signed for one body, sent with another: <c>start</c> became <c>start -n 64</c>.</summary>
    private static HttpRequestMessage Tampered(string body)
    {
        var signed = Post("/slack/commands", body);
        var changed = Unsigned("/slack/commands", Encoding.UTF8.GetBytes(body.Replace("text=start", "text=start+-n+64", StringComparison.Ordinal)));
        foreach (var header in signed.Headers) changed.Headers.Add(header.Key, header.Value);
        return changed;
    }
}
