using System.Net;
using System.Net.Sockets;
using CondoBot.Testing;

namespace CondoBot.Host.Tests;

/// <summary>The real service process as a web host on a free loopback port, with an HTTP client pointed at it.</summary>
internal sealed class WebBot : IDisposable
{
    private WebBot(BotProcess process, Uri address)
    {
        Process = process;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public BotProcess Process { get; }

    public HttpClient Http { get; }

    public static async Task<WebBot> StartAsync(Dictionary<string, string> settings)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        settings["ASPNETCORE_URLS"] = address.ToString();
        var bot = new WebBot(BotProcess.Start(settings), address);
        await bot.WaitUntilListeningAsync();
        return bot;
    }

    /// <summary>Polls /healthz until the host answers (start-up takes a few seconds).</summary>
    private async Task WaitUntilListeningAsync()
    {
        for (var i = 0; i < 300; i++)
        {
            if (Process.HasExited) throw new InvalidOperationException($"The service exited:\n{Process.Stdout}\n{Process.Stderr}");
            try
            {
                if ((await Http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The service did not answer /healthz:\n{Process.Stdout}\n{Process.Stderr}");
    }

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose()
    {
        Http.Dispose();
        Process.Dispose();
    }
}
