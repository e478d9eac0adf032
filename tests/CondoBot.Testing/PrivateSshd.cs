using System.Net.Sockets;

namespace CondoBot.Testing;

/// <summary>
/// A second sshd for the local cluster, on its own port, with the same configuration and host key, that one test may
/// stop and start (a login node going down) without disturbing anything else using the shared one.
/// </summary>
public sealed class PrivateSshd : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("condobot-sshd-").FullName;

    private readonly string[] _options;

    /// <summary><paramref name="options"/>: more <c>-o</c> settings, such as <c>AllowUsers=NAME</c> (which adds a user).</summary>
    public PrivateSshd(int port, params string[] options)
    {
        Port = port;
        _options = options;
        Start();
    }

    public int Port { get; }

    /// <summary>This sshd's own log (VERBOSE, as the shared one).</summary>
    public string LogFile => Path.Combine(_dir, "sshd.log");

    private string PidFile => Path.Combine(_dir, "sshd.pid");

    public void Start()
    {
        LocalCluster.Run("/usr/sbin/sshd", ["-f", "/etc/ssh/condobot_sshd_config", "-o", $"Port={Port}", "-o", $"PidFile={PidFile}", "-E", LogFile, .. _options.SelectMany(o => new[] { "-o", o })], stdin: null);
        for (var i = 0; i < 50 && !Answers(); i++) Thread.Sleep(100);
    }

    /// <summary>
    /// The login node goes down: the listener stops and every connection it accepted ends with it (killing the listener
    /// alone would leave established connections, such as the bot's kept ones, working).
    /// </summary>
    public void Stop()
    {
        if (!File.Exists(PidFile)) return;
        LocalCluster.Run("kill", File.ReadAllText(PidFile).Trim());
        for (var i = 0; i < 50 && Answers(); i++) Thread.Sleep(100);
        File.Delete(PidFile);
        var sockets = LocalCluster.Run("ss", "-tnpH", "state", "established", $"( sport = :{Port} )");
        var pids = System.Text.RegularExpressions.Regex.Matches(sockets, @"pid=(\d+)").Select(m => m.Groups[1].Value).Distinct().ToArray();
        // A connection may end by itself meanwhile; that is what is wanted anyway.
        if (pids.Length > 0) LocalCluster.Run("bash", "-c", $"kill {string.Join(' ', pids)} 2>/dev/null || true");
    }

    public void Dispose()
    {
        Stop();
        Directory.Delete(_dir, recursive: true);
    }

    private bool Answers()
    {
        try
        {
            using var client = new TcpClient("127.0.0.1", Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
