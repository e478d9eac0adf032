using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CondoBot.Testing;

namespace CondoBot.Host.Tests;

/// <summary>The Hangfire dashboard of the real web host: administrators only, read-only.</summary>
public sealed class DashboardTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("condobot-dashboard-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private async Task<WebBot> StartAsync(string? password)
    {
        var settings = LocalCluster.Get().BotSettings(_data, "dashboard");
        settings["Admin__User"] = "operator";
        if (password is not null) settings["Admin__Password"] = password;
        return await WebBot.StartAsync(settings);
    }

    private static HttpRequestMessage Get(string path, string? user = null, string? password = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (user is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return request;
    }

    [Fact]
    public async Task Hangfire_RefusesAnonymousAndWrongCredentials_With401AndALoginPrompt_AndAdmitsTheAdministrator_ReadOnly()
    {
        using var bot = await StartAsync("s3cret-for-tests");

        var anonymous = await bot.Http.SendAsync(Get("/hangfire"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bot.Http.SendAsync(Get("/hangfire/jobs/enqueued", "operator", "wrong"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bot.Http.SendAsync(Get("/hangfire", "admin", "s3cret-for-tests"))).StatusCode);

        var admitted = await bot.Http.SendAsync(Get("/hangfire/jobs/scheduled", "operator", "s3cret-for-tests"));
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        var page = await admitted.Content.ReadAsStringAsync();
        Assert.Contains("Hangfire Dashboard", page, StringComparison.Ordinal);
        // Read-only: the buttons that would change jobs are not offered.
        Assert.DoesNotContain("js-jobs-list-command", page, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-for-tests", bot.Process.Stdout + bot.Process.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hangfire_StaysClosed_WhenNoAdministratorPasswordIsConfigured()
    {
        using var bot = await StartAsync(password: null);

        Assert.Equal(HttpStatusCode.Unauthorized, (await bot.Http.SendAsync(Get("/hangfire"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bot.Http.SendAsync(Get("/hangfire", "operator", ""))).StatusCode);
    }

    [Fact]
    public async Task AfterFiveWrongPasswords_EvenTheRightOneGets429_ForAMinute()
    {
        using var bot = await StartAsync("s3cret-for-tests");

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await bot.Http.SendAsync(Get("/admin/audit", "operator", "guess-" + i))).StatusCode);
        }

        var throttled = await bot.Http.SendAsync(Get("/hangfire", "operator", "s3cret-for-tests"));
        Assert.Equal((HttpStatusCode)429, throttled.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), throttled.Headers.RetryAfter?.Delta);
        // The console logger writes in the background: wait for the line rather than reading too early.
        await bot.Process.WaitForAsync("too many failed sign-ins", TimeSpan.FromSeconds(10));
    }
}
