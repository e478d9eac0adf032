using System.Net;
using CondoBot.Cluster.Gate;
using CondoBot.Cluster.Keys;
using CondoBot.Cluster.Slurm;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Commands;
using CondoBot.Core.Identity;
using CondoBot.Core.Tunnels;
using CondoBot.Testing;
using Microsoft.AspNetCore.DataProtection;

namespace CondoBot.Cluster.Tests;

/// <summary>
/// JupyterLab on a cluster with node SSH, started through the gate on the local site's Debian 13 cluster: another
/// user of the same node cannot open it, it listens on no TCP port, and its owner reaches it with the printed inside
/// and outside commands. On one machine every host shares loopback, so only the socket's permissions keep it private.
/// Without node SSH, by contrast, any user of the cluster reaches JupyterLab's port over plain HTTP, and only the token
/// stands in the way.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PrivateLabTests : IAsyncLifetime
{
    private const string Owner = "condouser3";
    private const string Other = "condouser2";
    private readonly LocalCluster _cluster = LocalCluster.Get("local");
    private readonly KeyVault _vault = new(new MemoryKeyStore(), new EphemeralDataProtectionProvider(), TimeProvider.System);
    private readonly ChatUserId _user = new("test", "private-" + Guid.NewGuid().ToString("N")[..8]);
    private ClusterProfile _profile = null!;
    private SlurmOverSsh? _rig;
    private UserLink _link = null!;
    private UserKey _person = null!;

    private Actor Actor => new(_user, new ClusterUser(Owner), _profile.Name);

    public async Task InitializeAsync()
    {
        _link = await _vault.IssueAsync(_user, new ClusterUser(Owner), CancellationToken.None);
        _person = new UserKey(Owner, _cluster);
    }

    /// <summary>The cluster as the bot would know it, with or without node SSH, and the owner's gate installed for it.</summary>
    private SlurmCluster Slurm(bool nodeSsh)
    {
        _profile = _cluster.Profile();
        _profile.NodeSsh = nodeSsh;
        _profile.ExternalLoginHost = _cluster.ExternalLoginHost;
        AuthorizedKey.RunAs(Owner, new GateInstallation(new ClusterCatalog([_profile])).Command(_link, _profile));
        _rig = new SlurmOverSsh(_profile, _vault);
        return _rig.Slurm;
    }

    public Task DisposeAsync()
    {
        _rig?.Dispose();
        _person.Dispose();
        LocalCluster.Deauthorize(Owner, KeyVault.Comment(_user));
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AnotherUserOfTheNode_IsRefusedByTheSocket_NoTcpPortIsOpen_AndTheOwnersPrintedCommandsReachIt()
    {
        var slurm = Slurm(nodeSsh: true);
        var request = new JobRequest(SessionId.New(), "birthright", "", 1, Walltime.Parse("5")!.Value, Random.Shared.Next(20000, 60000));
        var submitted = await slurm.SubmitAsync(Actor, request, CancellationToken.None);
        Assert.True(submitted.Succeeded, submitted.Problem?.Message);
        try
        {
            var jupyter = await WaitForJupyterAsync(slurm, submitted.Value, request.Session);
            var socket = Assert.IsType<string>(jupyter.Socket);
            Assert.Null(jupyter.Port);
            Assert.Matches("^" + LocalCluster.SocketPathPattern + "$", socket);

            // Only the owner may enter the directory and open the socket.
            var onHost = _cluster.PidFile(socket);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(onHost)!));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(onHost));
            Assert.Equal(Owner, Stat("%U", onHost));
            Assert.Equal("200", CurlAs(Owner, socket, jupyter.Token).Stdout);
            var refused = CurlAs(Other, socket, jupyter.Token);
            Assert.Equal(7, refused.Exit);
            Assert.Contains("PermissionError", ConnectAs(Other, socket), StringComparison.Ordinal);

            // Even with the directory open to everyone, the socket's own mode refuses the other user.
            File.SetUnixFileMode(Path.GetDirectoryName(onHost)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            try
            {
                Assert.Equal(7, CurlAs(Other, socket, jupyter.Token).Exit);
                Assert.Contains("PermissionError", ConnectAs(Other, socket), StringComparison.Ordinal);
            }
            finally
            {
                File.SetUnixFileMode(Path.GetDirectoryName(onHost)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            var listening = JobSockets.Of(submitted.Value);
            Assert.Contains(socket, listening.Unix);
            Assert.Empty(listening.Tcp);

            _cluster.AssertNodeForwardsToSockets();
            var printed = TunnelInstructions.Build(_profile, new ClusterUser(Owner), PrintedTunnel.FreePort(), jupyter);
            await AssertReachesAsync(printed, printed.Inside, jupyter.Token);
            await AssertReachesAsync(printed, printed.Outside!, jupyter.Token);
        }
        finally
        {
            await slurm.CancelAsync(Actor, submitted.Value, CancellationToken.None);
        }
    }

    [Fact]
    public async Task WithoutNodeSsh_AnyUserOfTheCluster_ReachesThePortOverPlainHttp_AndOnlyTheTokenStandsInTheWay()
    {
        var slurm = Slurm(nodeSsh: false);
        var request = new JobRequest(SessionId.New(), "birthright", "", 1, Walltime.Parse("5")!.Value, Random.Shared.Next(20000, 60000));
        var submitted = await slurm.SubmitAsync(Actor, request, CancellationToken.None);
        Assert.True(submitted.Succeeded, submitted.Problem?.Message);
        try
        {
            var jupyter = await WaitForJupyterAsync(slurm, submitted.Value, request.Session);
            Assert.Null(jupyter.Socket);
            // By the node's address: this site's JupyterLab listens there (a real node's, on every address).
            var url = $"http://{_cluster.NodeAddress}:{jupyter.Port}/api/status";

            Assert.Equal("403", InRootAs(Other, ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", url], null).Stdout);
            Assert.Equal("200", InRootAs(Other, ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", "--config", "-", url], $"header = \"Authorization: token {jupyter.Token}\"\n").Stdout);
            Assert.NotEmpty(JobSockets.Of(submitted.Value).Tcp);
        }
        finally
        {
            await slurm.CancelAsync(Actor, submitted.Value, CancellationToken.None);
        }
    }

    private async Task AssertReachesAsync(TunnelInstructions printed, string command, string token)
    {
        using var tunnel = PrintedTunnel.RunAsPrinted(command, _person);
        try
        {
            await PrintedTunnel.WaitForPortAsync(printed.LocalPort, tunnel);
            using var http = new HttpClient(new HttpClientHandler { UseCookies = false });
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri($"http://localhost:{printed.LocalPort}/api/status?token={token}"))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(new Uri($"http://localhost:{printed.LocalPort}/api/status"))).StatusCode);
        }
        finally
        {
            tunnel.Kill(entireProcessTree: true);
            await tunnel.WaitForExitAsync();
        }

        for (var i = 0; i < 50 && await PrintedTunnel.AnswersAsync(printed.LocalPort); i++) await Task.Delay(100);
    }

    private async Task<JupyterEndpoint> WaitForJupyterAsync(SlurmCluster slurm, SlurmJobId job, SessionId session)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            var snapshot = (await slurm.GetJobAsync(Actor, job, session, CancellationToken.None)).Value!;
            if (snapshot.Jupyter is { } jupyter) return jupyter;
            await Task.Delay(500);
        }

        throw new TimeoutException($"JupyterLab of job {job} did not answer within 90 s");
    }

    /// <summary>curl on the node (the cluster's root) as a user, with the token in a header from stdin: the HTTP status.</summary>
    private (int Exit, string Stdout) CurlAs(string user, string socket, string token) =>
        InRootAs(user, ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", "--config", "-", "--unix-socket", socket, "http://localhost/api/status"],
            $"header = \"Authorization: token {token}\"\n");

    /// <summary>A bare connect(2) to the socket as a user, so the refusal's reason is seen: a PermissionError, or "connected".</summary>
    private string ConnectAs(string user, string socket)
    {
        var (_, stdout) = InRootAs(user, ["python3", "-c", "import socket,sys\ns=socket.socket(socket.AF_UNIX)\ntry:\n s.connect(sys.argv[1]); print('connected')\nexcept OSError as e: print(type(e).__name__, e)", socket], null);
        return stdout;
    }

    private (int Exit, string Stdout) InRootAs(string user, string[] argv, string? stdin)
    {
        var start = new System.Diagnostics.ProcessStartInfo("chroot") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in new[] { $"--userspec={user}:{user}", _cluster.Root }.Concat(argv)) start.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(start)!;
        process.StandardInput.Write(stdin ?? "");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(30_000), $"{argv[0]} as {user} did not finish in 30 s");
        return (process.ExitCode, stdout.Result.Trim());
    }

    private static string Stat(string format, string path) => LocalCluster.Run("stat", "-c", format, path).Trim();
}
