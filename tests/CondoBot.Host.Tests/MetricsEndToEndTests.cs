using System.Text.RegularExpressions;
using CondoBot.Core;
using CondoBot.Core.Handling;
using CondoBot.Core.Sessions;
using CondoBot.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CondoBot.Host.Tests;

/// <summary>A session's whole life on the real local cluster through the web host, then what /metrics shows.</summary>
[Collection(nameof(LocalClusterCollection))]
public sealed class MetricsEndToEndTests : IDisposable
{
    private const string Login = "condouser2";
    private readonly LocalCluster _cluster = LocalCluster.Get();
    private readonly string _data = Directory.CreateTempSubdirectory("condobot-metrics-").FullName;
    private readonly List<IDisposable> _cleanup = [];

    public void Dispose()
    {
        foreach (var item in _cleanup.AsEnumerable().Reverse()) item.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task AfterASessionStartsAndStops_MetricsShowItsStates_TheCommands_AndSlurmLatency()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in _cluster.BotSettings(_data, "metrics")) web.UseSetting(key.Replace("__", ":", StringComparison.Ordinal), value);
        });
        using var http = factory.CreateClient();
        var dispatcher = factory.Services.GetRequiredService<CommandDispatcher>();
        var sessions = factory.Services.GetRequiredService<ISessionStore>();
        var user = new ChatUserId("console", "metrics" + Guid.NewGuid().ToString("N")[..6]);

        var link = await dispatcher.DispatchAsync(new ChatRequest(user, $"key {Login}"), CancellationToken.None);
        _cleanup.Add(AuthorizedKey.Install(Login, link.Text));

        await dispatcher.DispatchAsync(new ChatRequest(user, "start -A ccsd -t 0:05:00"), CancellationToken.None);
        await WaitForStateAsync(sessions, user, SessionState.Ready, TimeSpan.FromSeconds(120));
        await dispatcher.DispatchAsync(new ChatRequest(user, "stop"), CancellationToken.None);
        await WaitForStateAsync(sessions, user, SessionState.Ended, TimeSpan.FromSeconds(90));
        await dispatcher.DispatchAsync(new ChatRequest(user, "frobnicate"), CancellationToken.None);

        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        foreach (var state in new[] { "Submitting", "Ready", "Ended" })
        {
            Assert.Matches($@"condobot_sessions_total\{{[^}}]*state=""{state}""[^}}]*\}} [1-9]", metrics);
        }

        Assert.Matches(@"condobot_commands_total\{[^}]*kind=""start""[^}]*\} 1", metrics);
        Assert.Matches(@"condobot_commands_total\{[^}]*kind=""refused""[^}]*\} 1", metrics);
        Assert.Matches(@"condobot_ack_duration_seconds_count\{[^}]*kind=""stop""[^}]*\} 1", metrics);
        Assert.Matches(@"condobot_slurm_duration_seconds_count\{[^}]*command=""sbatch""[^}]*outcome=""ok""[^}]*\} 1", metrics);
        Assert.Matches(@"condobot_slurm_duration_seconds_count\{[^}]*command=""squeue""[^}]*\} [1-9]", metrics);
    }

    private static async Task WaitForStateAsync(ISessionStore sessions, ChatUserId user, SessionState state, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while ((await sessions.ListAsync(user, DateTimeOffset.MinValue, CancellationToken.None)).FirstOrDefault()?.State != state)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the session did not reach {state}");
            await Task.Delay(250);
        }
    }
}
