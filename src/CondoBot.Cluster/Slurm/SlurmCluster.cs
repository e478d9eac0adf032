using System.Text.RegularExpressions;
using CondoBot.Cluster.Gate;
using CondoBot.Cluster.Keys;
using CondoBot.Cluster.Ssh;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Diagnostics;
using CondoBot.Core.Identity;

namespace CondoBot.Cluster.Slurm;

/// <summary>
/// The scheduler seam on a real Slurm cluster: each call is at most one SSH round-trip to the login node, as the user,
/// on a kept connection; polls of one login's sessions share one squeue through its <see cref="JobBoard"/>.
/// Slurm's refusals are translated here into problems; nothing above this class sees Slurm's text formats.
/// </summary>
public sealed partial class SlurmCluster(
    SshRunner ssh, ClusterCatalog clusters, JobBoards boards, KeyVault vault, IKeyInstallation installation, CondoBotMetrics? metrics = null) : ICluster
{
    private readonly GateProblems _gate = new(clusters, vault, installation);

    /// <summary>
    /// One Slurm program's round-trip through the gate, timed for <see cref="CondoBotMetrics.Slurm"/>. An answer that
    /// shows the gate is missing or does not know the request is a problem naming the line that updates it.
    /// </summary>
    private async Task<Result<RemoteOutput>> RunAsync(string program, Actor actor, string command, CancellationToken cancellationToken, bool once = false)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var run = await ssh.RunAsync(actor, command, null, cancellationToken, once: once);
        metrics?.Slurm(program, System.Diagnostics.Stopwatch.GetElapsedTime(started), run.Succeeded && run.Value.ExitStatus == 0);
        if (run.Succeeded && GateProblems.NotTheGate(command.Split(' ')[0], run.Value) is { } found) return await _gate.DescribeAsync(actor, found, cancellationToken);
        return run;
    }

    public async Task<Result<string>> CheckLoginAsync(Actor actor, CancellationToken cancellationToken)
    {
        // A kept connection only proves the key worked when it was opened; a check must log in now.
        var gate = await CheckGateAsync(actor, cancellationToken, freshLogin: true);
        if (!gate.Succeeded) return gate.Problem;
        var run = await ssh.RunAsync(actor, SlurmCommands.Identity, null, cancellationToken);
        if (!run.Succeeded) return run.Problem;
        if (run.Value.ExitStatus != 0) return Unavailable("the gate", run.Value);
        return run.Value.Stdout.Trim();
    }

    /// <summary>Asks the gate its version: a missing or outdated gate is a problem naming the line that updates it.</summary>
    private async Task<Result<bool>> CheckGateAsync(Actor actor, CancellationToken cancellationToken, bool freshLogin = false)
    {
        var run = await ssh.RunAsync(actor, SlurmCommands.Version, null, cancellationToken, freshLogin);
        if (!run.Succeeded) return run.Problem;
        return GateProblems.Outdated(run.Value, clusters.Get(actor.Cluster), clusters) is { } found ? await _gate.DescribeAsync(actor, found, cancellationToken) : true;
    }

    public async Task<Result<SlurmJobId>> SubmitAsync(Actor actor, JobRequest request, CancellationToken cancellationToken)
    {
        var gate = await CheckGateAsync(actor, cancellationToken);
        if (!gate.Succeeded) return gate.Problem;
        // Once only: sbatch may have run before a broken connection could say so; the next submission step looks for the job first.
        var run = await RunAsync("sbatch", actor, SlurmCommands.Submit(actor.Cluster, request), cancellationToken, once: true);
        boards.For(actor).Invalidate();
        if (!run.Succeeded) return run.Problem;
        var output = run.Value;
        if (output.ExitStatus == 0 && SlurmOutput.ParseSubmitted(output.Stdout) is { } id) return id;
        return new Problem(ProblemKind.SlurmRejected, "Slurm refused the job: " + SlurmOutput.ErrorReason(output.Stderr, $"sbatch exited with status {output.ExitStatus}") + ".");
    }

    public async Task<Result<bool>> RemoveKeyAsync(Actor actor, CancellationToken cancellationToken)
    {
        // Not through RunAsync: a key about to be forgotten needs no line to update its gate.
        var run = await ssh.RunAsync(actor, SlurmCommands.Revoke, null, cancellationToken);
        if (!run.Succeeded) return run.Problem;
        if (run.Value.ExitStatus == 0 && RevokedCount().Match(run.Value.Stdout) is { Success: true } m) return m.Groups[1].Value != "0";
        return GateProblems.NotTheGate(SlurmCommands.Revoke, run.Value) is { } found
            ? new Problem(ProblemKind.GateOutdated, found)
            : Unavailable("the gate", run.Value);
    }

    public async Task<Result<SlurmJobId?>> FindJobAsync(Actor actor, SessionId session, CancellationToken cancellationToken)
    {
        var run = await RunAsync("squeue", actor, SlurmCommands.FindBySession(), cancellationToken);
        if (!run.Succeeded) return run.Problem;
        if (run.Value.ExitStatus != 0) return Unavailable("squeue", run.Value);
        return SlurmOutput.FindBySession(run.Value.Stdout, session);
    }

    public async Task<Result<JobSnapshot>> GetJobAsync(Actor actor, SlurmJobId job, SessionId session, CancellationToken cancellationToken)
    {
        metrics?.JobRead();
        var seen = await boards.For(actor).GetAsync(job, session, boards.MaxAge, sessions => LookAsync(actor, sessions), cancellationToken);
        if (!seen.Succeeded) return seen.Problem;
        // Not in the login's list: purged by Slurm, or not ours by name any more; only a look at the job alone can tell.
        return seen.Value ?? await GetOneJobAsync(actor, job, session, cancellationToken);
    }

    /// <summary>All of the login's CondoBot jobs and the given sessions' connection files, in one round-trip.</summary>
    private async Task<Result<BoardOutput>> LookAsync(Actor actor, IReadOnlyCollection<SessionId> sessions)
    {
        var run = await RunAsync("squeue", actor, SlurmCommands.Board(sessions), CancellationToken.None);
        if (!run.Succeeded) return run.Problem;
        if (SlurmOutput.ParseBoard(run.Value.Stdout) is not { SqueueExit: 0 } board) return Unavailable("squeue", run.Value);
        return board;
    }

    private async Task<Result<JobSnapshot>> GetOneJobAsync(Actor actor, SlurmJobId job, SessionId session, CancellationToken cancellationToken)
    {
        var run = await RunAsync("squeue", actor, SlurmCommands.Poll(job, session), cancellationToken);
        if (!run.Succeeded) return run.Problem;
        var output = run.Value;
        // squeue fails for a purged job ("Invalid job id"), which is an answer; any other failure (slurmctld down) is not.
        if (!output.Stdout.Contains(SlurmCommands.PollMarker + " 0", StringComparison.Ordinal)
            && !output.Stderr.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase))
        {
            return Unavailable("squeue", output);
        }

        return SlurmOutput.ParsePoll(output.Stdout, job);
    }

    public async Task<Result<IReadOnlyList<IdlePartition>>> IdlePartitionsAsync(Actor actor, CancellationToken cancellationToken)
    {
        var run = await RunAsync("sinfo", actor, SlurmCommands.IdlePartitions(), cancellationToken);
        if (!run.Succeeded) return run.Problem;
        if (run.Value.ExitStatus != 0) return Unavailable("sinfo", run.Value);
        return Result<IReadOnlyList<IdlePartition>>.Ok(SlurmOutput.ParseIdlePartitions(run.Value.Stdout));
    }

    public async Task<Result<IReadOnlyList<ClusterPartition>>> PartitionsAsync(Actor actor, CancellationToken cancellationToken)
    {
        var run = await RunAsync("sinfo", actor, SlurmCommands.IdlePartitions(), cancellationToken);
        if (!run.Succeeded) return run.Problem;
        if (run.Value.ExitStatus != 0) return Unavailable("sinfo", run.Value);
        return Result<IReadOnlyList<ClusterPartition>>.Ok(SlurmOutput.ParsePartitions(run.Value.Stdout));
    }

    public async Task<Result<IReadOnlyList<string>>> JobOutputAsync(Actor actor, SlurmJobId job, CancellationToken cancellationToken)
    {
        var run = await RunAsync("tail", actor, SlurmCommands.Output(job), cancellationToken);
        if (!run.Succeeded) return run.Problem;
        if (run.Value.ExitStatus != 0) return Unavailable("the gate", run.Value);
        return Result<IReadOnlyList<string>>.Ok(run.Value.Stdout.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList());
    }

    public async Task<Result<bool>> CancelAsync(Actor actor, SlurmJobId job, CancellationToken cancellationToken)
    {
        var run = await RunAsync("scancel", actor, SlurmCommands.Cancel(job), cancellationToken);
        boards.For(actor).Invalidate();
        if (!run.Succeeded) return run.Problem;
        var output = run.Value;
        if (output.ExitStatus == 0 || output.Stderr.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase)) return true;
        if (output.Stderr.Contains("Access/permission denied", StringComparison.OrdinalIgnoreCase))
        {
            return new Problem(ProblemKind.SlurmRejected, $"Slurm says job {job} is not yours to cancel.");
        }

        return Unavailable("scancel", output);
    }

    private static Problem Unavailable(string tool, RemoteOutput output) => new(
        ProblemKind.ClusterUnavailable,
        $"{tool} failed on the login node: {SlurmOutput.ErrorReason(output.Stderr, $"exit status {output.ExitStatus}")}");

    [GeneratedRegex(@"^condobot-gate: revoked (\d+)", RegexOptions.Multiline)]
    private static partial Regex RevokedCount();
}
