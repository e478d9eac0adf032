using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CondoBot.Teams.Tests.Fakes;

/// <summary>
/// The real service (<c>Program</c>) in memory with Teams on, its keys, tokens and Connector pointed at a
/// <see cref="FakeBotService"/>, its state in a fresh folder. The cluster is a placeholder nobody connects to.
/// </summary>
public sealed class TeamsApp : WebApplicationFactory<Program>
{
    private readonly FakeBotService _bot;
    private readonly IReadOnlyDictionary<string, string> _extra;
    private readonly string _data = Directory.CreateTempSubdirectory("condobot-teams-").FullName;

    private readonly TimeProvider? _time;

    public TeamsApp(FakeBotService bot, IReadOnlyDictionary<string, string>? extra = null, TimeProvider? time = null)
    {
        _bot = bot;
        _extra = extra ?? new Dictionary<string, string>();
        _time = time;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string>
        {
            ["Clusters:local:HostKeySha256"] = "SHA256:" + new string('A', 43),
            ["Clusters:local:LoginHost"] = "127.0.0.1",
            // Nothing listens there: a session's background steps fail fast and quietly.
            ["Clusters:local:LoginPort"] = "1",
            ["Storage:DataDirectory"] = _data,
            ["Teams:AppId"] = FakeBotService.AppId,
            ["Teams:AppPassword"] = FakeBotService.AppPassword,
            ["Teams:TenantId"] = FakeBotService.TenantId,
            ["Teams:OpenIdMetadataUrl"] = _bot.BotFrameworkMetadataUrl,
            ["Teams:EntraOpenIdMetadataUrl"] = _bot.EntraMetadataUrl,
            ["Teams:TokenEndpoint"] = _bot.TokenEndpoint,
        };
        foreach (var (key, value) in _extra) settings[key] = value;
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        if (_time is not null) builder.ConfigureServices(services => services.AddSingleton(_time));
        // In-memory requests have no peer; give them the one a real connection would have.
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new PeerAddress(RemoteAddress)));
    }

    /// <summary>The address requests come from (loopback unless a test says otherwise).</summary>
    public System.Net.IPAddress RemoteAddress { get; init; } = System.Net.IPAddress.Loopback;

    private sealed class PeerAddress(System.Net.IPAddress address) : IStartupFilter
    {
        public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
        {
            app.Use(nextMiddleware => context =>
            {
                context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    /// <summary>Posts an activity to <c>/api/messages</c> with the given Authorization header value (null: none).</summary>
    public async Task<HttpResponseMessage> PostActivityAsync(JsonObject activity, string? bearer)
    {
        using var client = CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return await client.SendAsync(request);
    }

    /// <summary>A token as the Bot Connector would sign it for this activity.</summary>
    public string SignedFor(JsonObject activity) => _bot.BotFrameworkKeys[0].Sign(ValidSpec(activity));

    public static TokenSpec ValidSpec(JsonObject activity) =>
        new("https://api.botframework.com", FakeBotService.AppId, activity["serviceUrl"]!.GetValue<string>(), DateTimeOffset.UtcNow.AddMinutes(30));

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            try
            {
                Directory.Delete(_data, recursive: true);
            }
            catch (IOException)
            {
                // SQLite may still be closing its files; the folder is in the temp directory.
            }
        }
    }
}
