using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;

namespace CondoBot.Core.Diagnostics;

/// <summary>
/// Background threads (the job queue's workers and scheduler, the job-queue entry writers) run below the threads that
/// answer chat requests. On a small host the background work of many sessions (each step several job-queue
/// transactions) competes with requests for the same cores, and a request that waits for a core behind it is a person
/// waiting for an answer. Linux schedules each thread on its own, so a raised nice value affects the one thread, and
/// raising it needs no privilege. Elsewhere, or if the call fails, nothing changes.
/// <para>
/// A thread inherits the nice value of the thread that creates it, and the thread pool creates its threads on the
/// thread that queues work when it needs one more; a pool thread made that way would answer requests at the lowered
/// priority for the rest of its life (the value cannot be lowered again without privilege). So a lowered thread hands
/// work to the pool only through <see cref="Post"/>, which queues it from a thread of normal priority.
/// <see cref="LoweredThreads"/> counts the process's threads that are lowered, by name, for a metric and for tests.
/// </para>
/// </summary>
public static class BackgroundPriority
{
    /// <summary>How far a thread's nice value is raised: a thread at 10 gets about a tenth of a core against one at 0 when both want it.</summary>
    public const int Nice = 10;

    /// <summary>The name the runtime gives its thread-pool threads (as Linux shows it, cut to 15 characters).</summary>
    public const string PoolThreadName = ".NET TP Worker";

    [ThreadStatic]
    private static bool _lowered;

    // Created by the first caller of LowerThisThread, before that caller is lowered, so it keeps the normal priority.
    private static readonly BlockingCollection<Action> Handed = [];

    private static readonly Thread Hand = StartHand();

    /// <summary>Whether the calling thread has been lowered by <see cref="LowerThisThread"/>.</summary>
    public static bool IsLowered => _lowered;

    /// <summary>Lowers the calling thread, once. Never a thread-pool thread: those also answer requests.</summary>
    public static void LowerThisThread()
    {
        if (_lowered || Thread.CurrentThread.IsThreadPoolThread || !OperatingSystem.IsLinux() || !Hand.IsAlive) return;
        try
        {
            // Relative to where the thread is (an operator may run the whole service niced), within Linux's range.
            var tid = gettid();
            Marshal.SetLastPInvokeError(0);
            var now = getpriority(PrioProcess, tid);
            if (now == -1 && Marshal.GetLastPInvokeError() != 0) return;
            _lowered = setpriority(PrioProcess, tid, Math.Min(19, now + Nice)) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> at once on a thread that is not lowered, or hands it to one if this thread is;
    /// there it must be short and must not block (completing a task whose continuations run asynchronously, say).
    /// </summary>
    public static void Post(Action action)
    {
        if (!_lowered)
        {
            action();
            return;
        }

        Handed.Add(action);
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the thread pool, at normal priority: from a lowered thread, queued through
    /// <see cref="Post"/>, so the pool never makes a thread from this one.
    /// </summary>
    public static Task RunAsync(Func<Task> work)
    {
        if (!_lowered) return work();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() => _ = Task.Run(async () =>
        {
            try
            {
                await work();
                done.TrySetResult();
            }
            catch (OperationCanceledException ex)
            {
                done.TrySetCanceled(ex.CancellationToken);
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        }));
        return done.Task;
    }

    /// <summary>
    /// The process's threads whose name starts with <paramref name="namePrefix"/> and whose nice value is above the
    /// process's own: read from <c>/proc/self/task</c>; 0 where there is none.
    /// </summary>
    public static int LoweredThreads(string namePrefix)
    {
        if (!OperatingSystem.IsLinux()) return 0;
        var own = NiceOfProcess() ?? 0;
        var count = 0;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            if (NiceOf(Path.Combine(task, "stat")) is { } thread && thread.Name.StartsWith(namePrefix, StringComparison.Ordinal) && thread.Nice > own) count++;
        }

        return count;
    }

    /// <summary>The calling thread's nice value, or null where it cannot be read.</summary>
    public static int? NiceOfThisThread() => OperatingSystem.IsLinux() ? NiceOf("/proc/thread-self/stat")?.Nice : null;

    /// <summary>The process's own nice value (its first thread's), or null where it cannot be read.</summary>
    public static int? NiceOfProcess() => OperatingSystem.IsLinux() ? NiceOf("/proc/self/stat")?.Nice : null;

    /// <summary>A thread's name and nice value from its stat line (the name is in parentheses and may hold spaces).</summary>
    internal static (string Name, int Nice)? ParseStat(string stat)
    {
        var open = stat.IndexOf('(', StringComparison.Ordinal);
        var close = stat.LastIndexOf(')');
        if (open < 0 || close < open) return null;
        // After the name: state is field 3, nice field 19.
        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 16 && int.TryParse(fields[16], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var nice)
            ? (stat[(open + 1)..close], nice)
            : null;
    }

    private static (string Name, int Nice)? NiceOf(string path)
    {
        try
        {
            return ParseStat(File.ReadAllText(path));
        }
        catch (IOException)
        {
            // The thread ended while the list was read.
            return null;
        }
    }

    private static Thread StartHand()
    {
        var thread = new Thread(() =>
        {
            foreach (var action in Handed.GetConsumingEnumerable())
            {
                try
                {
                    action();
                }
                catch (Exception)
                {
                    // Each action completes its own task; one that throws has nobody else to tell.
                }
            }
        })
        { IsBackground = true, Name = "Background hand" };
        thread.Start();
        return thread;
    }

    private const int PrioProcess = 0;

    [DllImport("libc", SetLastError = true)]
    private static extern int setpriority(int which, int who, int prio);

    [DllImport("libc", SetLastError = true)]
    private static extern int getpriority(int which, int who);

    [DllImport("libc")]
    private static extern int gettid();
}
