using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CondoBot.Core;
using CondoBot.Core.Handling;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CondoBot.Host.Tests;

/// <summary>The audit trail at <c>/admin/audit</c>, through the web host: administrators only, newest first, filtered.</summary>
public sealed class AuditViewTests : IDisposable
{
    private const string Password = "audit-s3cret-for-tests";
    private readonly string _data = Directory.CreateTempSubdirectory("condobot-audit-").FullName;
    private readonly WebApplicationFactory<Program> _factory;

    public AuditViewTests()
    {
        var settings = new Dictionary<string, string>
        {
            ["Clusters:local:HostKeySha256"] = "SHA256:" + new string('A', 43),
            ["Clusters:local:LoginHost"] = "127.0.0.1",
            ["Clusters:local:LoginPort"] = "1",
            ["Storage:DataDirectory"] = _data,
            ["Admin:User"] = "operator",
            ["Admin:Password"] = Password,
        };
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in settings) web.UseSetting(key, value);
        });
    }

    public void Dispose()
    {
        _factory.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    private static readonly ChatUserId Alice = new("slack", "T1:UALICE");
    private static readonly ChatUserId Bob = new("teams", "bob-object-id");

    private async Task SayAsync(ChatUserId user, string text) =>
        await _factory.Services.GetRequiredService<CommandDispatcher>().DispatchAsync(new ChatRequest(user, text), CancellationToken.None);

    private static HttpRequestMessage Get(string path, string? user = null, string? password = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (user is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return request;
    }

    [Fact]
    public async Task AuditView_RefusesAnonymousAndWrongCredentials_With401()
    {
        using var http = _factory.CreateClient();
        await SayAsync(Alice, "help");

        var anonymous = await http.SendAsync(Get("/admin/audit"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.DoesNotContain("help", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(Get("/admin/audit", "operator", "wrong"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(Get("/admin/audit?user=slack:T1:UALICE", "admin", Password))).StatusCode);
    }

    [Fact]
    public async Task AuditView_ListsCommandsNewestFirst_ForTheAdministrator_FilteredByUserAndLimit()
    {
        using var http = _factory.CreateClient();
        await SayAsync(Alice, "key alice");
        await SayAsync(Bob, "status");
        await SayAsync(Alice, "start -A cnms -t 1:00:00 --partition batch");
        await SayAsync(Alice, "frobnicate\u0007 now");

        // A command that changes nothing (status, the refused one) is answered before its entry is committed.
        var all = await ReadAsync(http, "/admin/audit");
        for (var wait = 0; all.Count < 5 && wait < 50; wait++)
        {
            await Task.Delay(100);
            all = await ReadAsync(http, "/admin/audit");
        }

        Assert.Equal(["unknown", "start", "status", "key link", "key created"], all.Select(e => e.GetProperty("action").GetString()));

        var alices = await ReadAsync(http, "/admin/audit?user=slack:T1:UALICE&limit=2");
        Assert.Equal(["unknown", "start"], alices.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal("refused", alices[0].GetProperty("outcome").GetString());
        Assert.Equal("frobnicate now", alices[0].GetProperty("detail").GetString());
        Assert.Equal("ok", alices[1].GetProperty("outcome").GetString());
        Assert.Equal("alice", alices[1].GetProperty("login").GetString());
        Assert.Equal("local", alices[1].GetProperty("cluster").GetString());
        Assert.Equal("start -A cnms -n 1 -t 01:00:00 --partition batch", alices[1].GetProperty("detail").GetString());
        Assert.Equal("slack:T1:UALICE", alices[1].GetProperty("user").GetString());
    }

    [Theory]
    [InlineData("/admin/audit?limit=0")]
    [InlineData("/admin/audit?limit=lots")]
    [InlineData("/admin/audit?user=nobody")]
    public async Task AuditView_AnswersBadRequest_ToAMalformedFilter(string path)
    {
        using var http = _factory.CreateClient();

        var response = await http.SendAsync(Get(path, "operator", Password));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static async Task<List<JsonElement>> ReadAsync(HttpClient http, string path)
    {
        var response = await http.SendAsync(Get(path, "operator", Password));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.Clone()).ToList();
    }
}
