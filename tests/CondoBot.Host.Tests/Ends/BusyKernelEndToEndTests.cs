using System.Globalization;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using CondoBot.Testing;

namespace CondoBot.Host.Tests.Ends;

[CollectionDefinition(nameof(BusyKernelCollection))]
public sealed class BusyKernelCollection;

/// <summary>
/// A cell that runs for ten minutes, on a real JupyterLab on the local cluster, in a session that is stopped when idle
/// for 45 s: the bot keeps seeing the busy kernel past the idle time and the grace, and neither asks nor stops.
/// </summary>
[Collection(nameof(BusyKernelCollection))]
public sealed class BusyKernelEndToEndTests
{
    private const string Login = "condouser2";
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AKernelRunningTimeSleep600_IsNeverStoppedByTheIdleWatch()
    {
        using var rig = await EndRig.StartAsync(Login, TimeSpan.FromSeconds(5), new Dictionary<string, string> { ["Sessions__IdleGrace"] = "00:00:20" });
        var person = rig.Track(new UserKey(Login, rig.Cluster));
        var ready = await rig.StartSessionAsync($"start -A birthright -p {PrintedTunnel.FreePort()} -t 0:10:00 --idle 45s");
        var job = ready.Groups["job"].Value;
        var readyAt = DateTimeOffset.UtcNow;
        var port = int.Parse(ready.Groups["port"].Value, CultureInfo.InvariantCulture);
        using var tunnel = PrintedTunnel.Run(ready.Groups["inside"].Value, person);
        try
        {
            await PrintedTunnel.WaitForPortAsync(port, tunnel);
            using var kernel = await RunCellAsync(port, ready.Groups["token"].Value, "import time; time.sleep(600)");

            // The event: a poll of the bot that saw the busy kernel (it counts as activity at the moment of the look)
            // after the idle time and the grace had both passed since the ready message.
            var deadline = readyAt + Idle + Grace + TimeSpan.FromSeconds(10);
            var until = DateTime.UtcNow + TimeSpan.FromMinutes(3);
            DateTimeOffset seen;
            while (true)
            {
                var stored = rig.StoredSession(job);
                var last = EndRig.Property(stored, "LastActivity");
                seen = last.Length > 0 ? DateTimeOffset.Parse(last, CultureInfo.InvariantCulture) : DateTimeOffset.MinValue;
                Assert.Equal("Ready", EndRig.Property(stored, "State"));
                if (seen > deadline) break;
                Assert.True(DateTime.UtcNow < until, $"the bot never saw the busy kernel after {deadline:T} (last activity it saw: {last})");
                await Task.Delay(500);
            }

            Assert.DoesNotMatch($@"JupyterLab on {rig.Cluster.Node} has been idle", rig.Bot.Stdout[ready.Index..]);
            Assert.DoesNotMatch($@"Job {job} has ended", rig.Bot.Stdout[ready.Index..]);
            Assert.Contains("RUNNING", rig.Cluster.Slurm("squeue", "--noheader", "--jobs", job, "--format=%T"), StringComparison.Ordinal);
        }
        finally
        {
            tunnel.Kill(entireProcessTree: true);
            await tunnel.WaitForExitAsync();
        }

        rig.Bot.Type($"stop {job}");
        await rig.EndedAsync(job, TimeSpan.FromSeconds(60), ready.Index);
    }

    /// <summary>
    /// Starts a kernel and sends it one cell over its websocket, through the tunnel, as JupyterLab's notebook does;
    /// answers once the kernel reports itself busy. Disposing closes the socket (the cell keeps running).
    /// </summary>
    private static async Task<IDisposable> RunCellAsync(int port, string token, string code)
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("token", token);
        var started = await http.PostAsync(new Uri($"http://localhost:{port}/api/kernels"), new StringContent("{}", Encoding.UTF8, "application/json"));
        started.EnsureSuccessStatusCode();
        var id = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();

        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "token " + token);
        await socket.ConnectAsync(new Uri($"ws://localhost:{port}/api/kernels/{id}/channels"), CancellationToken.None);
        var session = Guid.NewGuid().ToString("N");
        var request = JsonSerializer.Serialize(new
        {
            header = new { msg_id = Guid.NewGuid().ToString("N"), username = "test", session, msg_type = "execute_request", version = "5.3", date = DateTimeOffset.UtcNow.ToString("o") },
            parent_header = new { },
            metadata = new { },
            content = new { code, silent = false, store_history = true, user_expressions = new { }, allow_stdin = false, stop_on_error = true },
            channel = "shell",
            buffers = Array.Empty<object>(),
        });
        await socket.SendAsync(Encoding.UTF8.GetBytes(request), WebSocketMessageType.Text, true, CancellationToken.None);

        for (var i = 0; i < 100; i++)
        {
            var kernels = await http.GetStringAsync(new Uri($"http://localhost:{port}/api/kernels/{id}"));
            if (kernels.Contains("\"busy\"", StringComparison.Ordinal)) return socket;
            await Task.Delay(200);
        }

        socket.Dispose();
        throw new TimeoutException("the kernel never reported itself busy");
    }
}
