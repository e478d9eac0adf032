using CondoBot.Jobs;

namespace CondoBot.Host.Tests;

/// <summary>
/// The job-queue writer: what a step queues is stored off the thread pool, and the step is done only once it is stored.
/// </summary>
public sealed class JobWriterTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly JobWriter _writer = new();

    public void Dispose() => _writer.Dispose();

    [Fact]
    public async Task A_step_is_done_only_once_the_entries_it_queued_are_stored()
    {
        using var storing = new ManualResetEventSlim();
        var stored = false;
        var step = JobWriter.RunAsync(() =>
        {
            _writer.Write(() =>
            {
                storing.Wait(Deadline);
                stored = true;
            });
            return Task.CompletedTask;
        });

        // The step's own work is over, but its entry is still being stored.
        var early = await Task.WhenAny(step, Task.Delay(TimeSpan.FromMilliseconds(300)));
        Assert.NotSame(step, early);
        storing.Set();
        await step.WaitAsync(Deadline);
        Assert.True(stored);
    }

    [Fact]
    public async Task An_entry_is_stored_on_the_writers_thread_not_a_thread_pool_thread()
    {
        string? storedOn = null;
        var onPool = true;
        await Task.Run(() => JobWriter.RunAsync(async () =>
        {
            await Task.Yield();
            _writer.Write(() =>
            {
                storedOn = Thread.CurrentThread.Name;
                onPool = Thread.CurrentThread.IsThreadPoolThread;
            });
        })).WaitAsync(Deadline);

        Assert.Equal("Job queue writer", storedOn);
        Assert.False(onPool);
    }

    [Fact]
    public async Task An_entry_is_stored_on_a_thread_below_the_ones_that_answer_requests()
    {
        int? niceThere = null;
        await Task.Run(() => JobWriter.RunAsync(async () =>
        {
            await Task.Yield();
            _writer.Write(() => niceThere = CondoBot.Core.Diagnostics.BackgroundPriority.NiceOfThisThread());
        })).WaitAsync(Deadline);

        Assert.Equal(CondoBot.Core.Diagnostics.BackgroundPriority.NiceOfProcess() + CondoBot.Core.Diagnostics.BackgroundPriority.Nice, niceThere);
    }

    [Fact]
    public async Task A_step_whose_entry_could_not_be_stored_fails_with_that_error()
    {
        var step = JobWriter.RunAsync(() =>
        {
            _writer.Write(() => throw new InvalidOperationException("job storage is gone"));
            return Task.CompletedTask;
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => step.WaitAsync(Deadline));
        Assert.Equal("job storage is gone", error.Message);
    }

    [Fact]
    public async Task A_failing_step_still_waits_for_what_it_queued_before_it_failed()
    {
        using var storing = new ManualResetEventSlim();
        var stored = false;
        var step = JobWriter.RunAsync(() =>
        {
            _writer.Write(() =>
            {
                storing.Wait(Deadline);
                stored = true;
            });
            throw new TimeoutException("login node did not answer");
        });

        Assert.False(step.IsCompleted);
        storing.Set();
        await Assert.ThrowsAsync<TimeoutException>(() => step.WaitAsync(Deadline));
        Assert.True(stored);
    }

    [Fact]
    public async Task One_steps_slow_entry_does_not_hold_up_another_steps_entries()
    {
        using var storing = new ManualResetEventSlim();
        var slow = JobWriter.RunAsync(() =>
        {
            _writer.Write(() => storing.Wait(Deadline));
            return Task.CompletedTask;
        });

        // A store taking its time (a busy database) for one step; the next steps' entries go to other writer threads.
        for (var i = 0; i < JobWriter.Threads - 1; i++)
        {
            var stored = false;
            await JobWriter.RunAsync(() =>
            {
                _writer.Write(() => stored = true);
                return Task.CompletedTask;
            }).WaitAsync(Deadline);
            Assert.True(stored);
        }

        Assert.False(slow.IsCompleted);
        storing.Set();
        await slow.WaitAsync(Deadline);
    }

    [Fact]
    public void Outside_a_step_an_entry_is_stored_at_once_on_the_callers_thread()
    {
        var caller = Environment.CurrentManagedThreadId;
        int? storedOn = null;
        _writer.Write(() => storedOn = Environment.CurrentManagedThreadId);
        Assert.Equal(caller, storedOn);
    }

    [Fact]
    public async Task Entries_of_one_step_are_stored_in_the_order_they_were_queued()
    {
        var order = new List<int>();
        await JobWriter.RunAsync(() =>
        {
            for (var i = 0; i < 50; i++)
            {
                var n = i;
                _writer.Write(() => order.Add(n));
            }

            return Task.CompletedTask;
        }).WaitAsync(Deadline);

        Assert.Equal(Enumerable.Range(0, 50), order);
    }
}
