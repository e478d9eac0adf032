using CondoBot.Core;
using CondoBot.Core.Diagnostics;
using CondoBot.Core.Handling;
using CondoBot.Core.Sessions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CondoBot.Host.Tests;

/// <summary>
/// The job queue's threads run below the ones that answer requests, and none of the thread pool's threads (which
/// answer requests) ends up lowered: sessions whose login node is unreachable are retried by the job queue's workers
/// until they give up, through the web host.
/// </summary>
public sealed class BackgroundPriorityEndToEndTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("condobot-priority-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task Retried_steps_run_on_lowered_job_queue_threads_and_leave_every_thread_pool_thread_at_normal_priority()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Clusters:local:HostKeySha256", "SHA256:" + new string('A', 43));
            web.UseSetting("Clusters:local:LoginHost", "127.0.0.1");
            web.UseSetting("Clusters:local:LoginPort", "1");
            web.UseSetting("Storage:DataDirectory", _data);
            web.UseSetting("Sessions:GiveUpAfter", "00:00:01");
        });
        using var http = factory.CreateClient();
        var dispatcher = factory.Services.GetRequiredService<CommandDispatcher>();
        var sessions = factory.Services.GetRequiredService<ISessionStore>();
        var user = new ChatUserId("console", "priority" + Guid.NewGuid().ToString("N")[..6]);
        await dispatcher.DispatchAsync(new ChatRequest(user, "key alice"), CancellationToken.None);

        for (var i = 0; i < 20; i++) await dispatcher.DispatchAsync(new ChatRequest(user, "start -t 1:00:00"), CancellationToken.None);

        // Each submission fails at once in process, is queued again, and ends on its second try (2 s later, by a
        // job-queue worker) because the login node has been unreachable for longer than GiveUpAfter.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        IReadOnlyList<Session> listed;
        while ((listed = await sessions.ListAsync(user, DateTimeOffset.MinValue, CancellationToken.None)).Any(s => s.State != SessionState.Ended))
        {
            Assert.True(DateTime.UtcNow < deadline, "the sessions did not end: " + string.Join(", ", listed.Select(s => s.State)));
            await Task.Delay(200);
        }

        Assert.Equal(20, listed.Count);
        Assert.All(listed, s => Assert.Equal(EndReason.ClusterUnreachable, s.EndReason));
        Assert.True(BackgroundPriority.LoweredThreads("Worker #") >= 1, "no job-queue worker was lowered");
        Assert.True(BackgroundPriority.LoweredThreads("Job queue write") >= 1, "no job-queue writer was lowered");
        Assert.Equal(0, BackgroundPriority.LoweredThreads(BackgroundPriority.PoolThreadName));
    }
}
