using System.Diagnostics;
using CondoBot.Testing;

namespace CondoBot.Cluster.Tests;

/// <summary>
/// The local cluster's compute node accepts SSH by its Slurm name, from the login node, only from a user with a running
/// job on it (as pam_slurm allows it at a site): the first step of a tunnel that ends on the node itself.
/// </summary>
[Collection(nameof(CondouserJobsCollection))]
public sealed class NodeSshTests : IDisposable
{
    private const string Login = "condouser";
    private readonly LocalCluster _cluster = LocalCluster.Get("local");
    private readonly UserKey _person;
    private string? _job;

    public NodeSshTests() => _person = new UserKey(Login, _cluster);

    public void Dispose()
    {
        if (_job is not null) _cluster.Slurm("scancel", _job);
        _person.Dispose();
    }

    /// <summary>Logs in to the login node with the person's key and agent, and there runs <c>ssh NODE hostname</c>.</summary>
    private (int Exit, string Stdout, string Stderr) SshToTheNodeFromTheLoginNode()
    {
        var start = new ProcessStartInfo("ssh") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-F", _person.ConfigFile, "-A", "-p", _cluster.LoginPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     $"{Login}@{_cluster.LoginHost}", $"ssh -o BatchMode=yes {_cluster.Node} 'echo in on' $SLURM_JOB_ID; echo exit $?" })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["SSH_AUTH_SOCK"] = _person.AgentSocket;
        using var ssh = Process.Start(start)!;
        var stdout = ssh.StandardOutput.ReadToEndAsync();
        var stderr = ssh.StandardError.ReadToEndAsync();
        Assert.True(ssh.WaitForExit(30_000), "ssh did not finish in 30 s");
        return (ssh.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public async Task OnlyAUserWithARunningJobOnTheNode_LogsInToItByName()
    {
        Assert.Equal("", _cluster.Slurm("squeue", "--noheader", "--user", Login, "--states=running", "--format=%i").Trim());
        var refused = SshToTheNodeFromTheLoginNode();
        Assert.Contains("Permission denied (publickey)", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("exit 255", refused.Stdout, StringComparison.Ordinal);

        _job = _cluster.Slurm("runuser", "-u", Login, "--", "sbatch", "--parsable", "--chdir=/tmp", "--output=/dev/null", "-A", "birthright", "-t", "5", "--wrap", "sleep 300").Trim();
        for (var i = 0; i < 100 && !_cluster.Slurm("squeue", "--noheader", "--jobs", _job, "--format=%T").Contains("RUNNING", StringComparison.Ordinal); i++)
        {
            await Task.Delay(200);
        }

        var accepted = SshToTheNodeFromTheLoginNode();
        Assert.Contains("in on", accepted.Stdout, StringComparison.Ordinal);
        Assert.Contains("exit 0", accepted.Stdout, StringComparison.Ordinal);
    }
}

/// <summary>
/// Tests whose assertions depend on which jobs <c>condouser</c> has running on the local cluster (the node lets a user
/// in only while one runs) take turns with the tests that submit such jobs.
/// </summary>
[CollectionDefinition(nameof(CondouserJobsCollection), DisableParallelization = true)]
public sealed class CondouserJobsCollection;
