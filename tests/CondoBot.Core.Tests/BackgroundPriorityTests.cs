using CondoBot.Core.Diagnostics;

namespace CondoBot.Core.Tests;

/// <summary>
/// Background threads run at a raised nice value, and hand work to the thread pool only from a thread that is not
/// lowered. Each test runs on threads of its own, named for it, and reads what Linux says about them.
/// </summary>
public sealed class BackgroundPriorityTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public void A_stat_line_gives_the_threads_name_even_with_spaces_and_parentheses_and_its_nice_value()
    {
        var line = "4242 (.NET TP (x) Worker) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 30 10 20 0 123 456 789";

        Assert.Equal((".NET TP (x) Worker", 10), BackgroundPriority.ParseStat(line));
        Assert.Null(BackgroundPriority.ParseStat("4242 no name here"));
    }

    [Fact]
    public void A_lowered_thread_runs_at_the_raised_nice_value_and_is_counted_and_others_are_not()
    {
        using var release = new ManualResetEventSlim();
        using var ready = new CountdownEvent(2);
        var lowered = Dedicated("bp-lowered", () =>
        {
            BackgroundPriority.LowerThisThread();
            ready.Signal();
            release.Wait(Deadline);
        });
        var plain = Dedicated("bp-plain", () =>
        {
            ready.Signal();
            release.Wait(Deadline);
        });
        Assert.True(ready.Wait(Deadline));

        Assert.Equal(1, BackgroundPriority.LoweredThreads("bp-lowered"));
        Assert.Equal(0, BackgroundPriority.LoweredThreads("bp-plain"));
        release.Set();
        lowered.Join();
        plain.Join();
    }

    [Fact]
    public void A_thread_made_by_a_lowered_thread_is_lowered_too_which_is_why_the_pool_is_fed_through_post()
    {
        using var release = new ManualResetEventSlim();
        using var ready = new ManualResetEventSlim();
        Thread? child = null;
        var parent = Dedicated("bp-parent", () =>
        {
            BackgroundPriority.LowerThisThread();
            child = Dedicated("bp-child", () =>
            {
                ready.Set();
                release.Wait(Deadline);
            });
            release.Wait(Deadline);
        });
        Assert.True(ready.Wait(Deadline));

        Assert.Equal(1, BackgroundPriority.LoweredThreads("bp-child"));
        release.Set();
        parent.Join();
        child!.Join();
    }

    [Fact]
    public void What_a_lowered_thread_posts_runs_on_a_thread_that_is_not_lowered()
    {
        using var done = new ManualResetEventSlim();
        string? ranOn = null;
        int? niceThere = null;
        var lowered = Dedicated("bp-poster", () =>
        {
            BackgroundPriority.LowerThisThread();
            Assert.True(BackgroundPriority.IsLowered);
            BackgroundPriority.Post(() =>
            {
                ranOn = Thread.CurrentThread.Name;
                niceThere = NiceOfThisThread();
                done.Set();
            });
            done.Wait(Deadline);
        });
        Assert.True(done.Wait(Deadline));
        lowered.Join();

        Assert.NotEqual("bp-poster", ranOn);
        Assert.Equal(NiceOfProcess(), niceThere);
    }

    [Fact]
    public async Task Work_run_from_a_lowered_thread_runs_on_the_pool_at_normal_priority_and_its_failure_reaches_the_caller()
    {
        Task? ok = null, failed = null;
        int? niceThere = null;
        var onPool = false;
        var lowered = Dedicated("bp-runner", () =>
        {
            BackgroundPriority.LowerThisThread();
            ok = BackgroundPriority.RunAsync(() =>
            {
                onPool = Thread.CurrentThread.IsThreadPoolThread;
                niceThere = NiceOfThisThread();
                return Task.CompletedTask;
            });
            failed = BackgroundPriority.RunAsync(() => Task.FromException(new InvalidOperationException("the step failed")));
        });
        lowered.Join();

        await ok!.WaitAsync(Deadline);
        Assert.True(onPool);
        Assert.Equal(NiceOfProcess(), niceThere);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failed!.WaitAsync(Deadline));
        Assert.Equal("the step failed", error.Message);
    }

    [Fact]
    public async Task A_thread_pool_thread_is_never_lowered()
    {
        var (lowered, nice) = await Task.Run(() =>
        {
            BackgroundPriority.LowerThisThread();
            return (BackgroundPriority.IsLowered, NiceOfThisThread());
        });

        Assert.False(lowered);
        Assert.Equal(NiceOfProcess(), nice);
    }

    private static Thread Dedicated(string name, Action run)
    {
        var thread = new Thread(() => run()) { IsBackground = true, Name = name };
        thread.Start();
        return thread;
    }

    private static int? NiceOfThisThread() => BackgroundPriority.NiceOfThisThread();

    private static int? NiceOfProcess() => BackgroundPriority.NiceOfProcess();
}
