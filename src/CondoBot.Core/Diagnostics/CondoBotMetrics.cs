using System.Diagnostics.Metrics;

namespace CondoBot.Core.Diagnostics;

/// <summary>
/// The bot's own measurements, on a <see cref="Meter"/> named <see cref="MeterName"/> (plain System.Diagnostics.Metrics,
/// so the core stays free of any exporter; the host publishes them for Prometheus). Tags carry only fixed vocabularies
/// (state names, command kinds, causes), never user input, so the number of series stays small and nothing leaks.
/// </summary>
public sealed class CondoBotMetrics : IDisposable
{
    public const string MeterName = "CondoBot";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _sessions;
    private readonly Counter<long> _commands;
    private readonly Histogram<double> _ack;
    private readonly Histogram<double> _slurm;
    private readonly Counter<long> _sshFailures;
    private readonly Counter<long> _chatCalls;
    private readonly Counter<long> _chatErrors;
    private readonly Counter<long> _jobReads;
    private readonly Counter<long> _setAside;
    private readonly Counter<long> _endWatches;

    public CondoBotMetrics()
    {
        _sessions = _meter.CreateCounter<long>("condobot.sessions", "{session}", "Sessions entering each state");
        _commands = _meter.CreateCounter<long>("condobot.commands", "{command}", "Chat commands by kind (refused: not understood)");
        _ack = _meter.CreateHistogram<double>("condobot.ack.duration", "s", "Time from a chat command to its immediate reply");
        _slurm = _meter.CreateHistogram<double>("condobot.slurm.duration", "s", "Round-trip time of Slurm commands over SSH");
        _sshFailures = _meter.CreateCounter<long>("condobot.ssh.failures", "{failure}", "SSH failures by cause");
        _chatCalls = _meter.CreateCounter<long>("condobot.chat_api.calls", "{call}", "Calls to a chat platform's API by platform and method");
        _chatErrors = _meter.CreateCounter<long>("condobot.chat_api.errors", "{error}", "Chat platform API calls that failed, by platform, method and error");
        _setAside = _meter.CreateCounter<long>("condobot.outbox.set_aside", "{notice}", "Queued notices that could not be opened, set aside so the others are delivered");
        _endWatches = _meter.CreateCounter<long>("condobot.end_watch.starts", "{watch}", "Watches of a login's end markers started (each one remote command, lasting up to 5 min)");
        _jobReads = _meter.CreateCounter<long>("condobot.job.reads", "{read}", "Reads of one job's state (a session's poll), however many squeue runs answered them");
        // Should read 0: a thread-pool thread answers requests, and one lowered would answer them late (BackgroundPriority).
        _meter.CreateObservableGauge("condobot.threads.pool_lowered", () => BackgroundPriority.LoweredThreads(BackgroundPriority.PoolThreadName), "{thread}",
            "Thread-pool threads running at a lowered priority (should be 0)");
    }

    /// <summary>The meter these instruments live on, for an in-process <see cref="MeterListener"/> (tests).</summary>
    public Meter Meter => _meter;

    /// <summary>A session entered <paramref name="state"/> (counted once per change, by the step that saved it).</summary>
    public void SessionEntered(string state) => _sessions.Add(1, new KeyValuePair<string, object?>("state", state));

    public void Command(string kind, TimeSpan ack)
    {
        _commands.Add(1, new KeyValuePair<string, object?>("kind", kind));
        _ack.Record(ack.TotalSeconds, new KeyValuePair<string, object?>("kind", kind));
    }

    /// <summary><paramref name="command"/> is the Slurm program (sbatch, squeue, scancel, sinfo).</summary>
    public void Slurm(string command, TimeSpan elapsed, bool succeeded) => _slurm.Record(
        elapsed.TotalSeconds,
        new KeyValuePair<string, object?>("command", command),
        new KeyValuePair<string, object?>("outcome", succeeded ? "ok" : "failed"));

    /// <summary><paramref name="cause"/>: host_key_mismatch, not_authorized, unreachable.</summary>
    public void SshFailure(string cause) => _sshFailures.Add(1, new KeyValuePair<string, object?>("cause", cause));

    /// <summary>One request to a chat platform (each attempt counts). <paramref name="method"/> is the API's own name, a fixed set.</summary>
    public void ChatApiCall(string platform, string method) => _chatCalls.Add(1,
        new KeyValuePair<string, object?>("platform", platform),
        new KeyValuePair<string, object?>("method", method));

    /// <summary>
    /// A request that failed: the platform's error code (<c>channel_not_found</c>), <c>http_503</c>, <c>ratelimited</c>,
    /// <c>unreachable</c>... A code that does not look like one (the platform's answer is not ours to trust) becomes
    /// <c>other</c>, so the number of series stays small.
    /// </summary>
    public void ChatApiError(string platform, string method, string error) => _chatErrors.Add(1,
        new KeyValuePair<string, object?>("platform", platform),
        new KeyValuePair<string, object?>("method", method),
        new KeyValuePair<string, object?>("error", IsCode(error) ? error : "other"));

    private static bool IsCode(string error) =>
        error.Length is > 0 and <= 48 && error.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');
    /// <summary>A session's job state was read (a poll): compared with squeue's count, how much polls share.</summary>
    public void JobRead() => _jobReads.Add(1);

    /// <summary>A queued notice could not be opened (a lost key, an unknown notice type) and was set aside.</summary>
    public void NoticeSetAside() => _setAside.Add(1);

    /// <summary>A watch of a login's end markers was started (one long-lived remote command).</summary>
    public void EndWatchStarted() => _endWatches.Add(1);

    public void Dispose() => _meter.Dispose();
}
