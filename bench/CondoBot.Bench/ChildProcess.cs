using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace CondoBot.Bench;

/// <summary>
/// A process the bench started (the CondoBot service or the Bolt app): listening on its own loopback port, its output
/// kept for the error message, its resident memory read from /proc, killed by its own id when done.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ChildProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    public HttpClient Http { get; }

    public int Id => _process.Id;

    public Stopwatch SinceStart { get; } = Stopwatch.StartNew();

    public static ChildProcess Start(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        var port = FreePort();
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment) start.Environment[k] = v;
        start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        return new ChildProcess(Process.Start(start)!, port);
    }

    /// <summary>Waits until GET <paramref name="path"/> answers (any status below 500); returns the time since start.</summary>
    public async Task<TimeSpan> WaitUntilAnsweringAsync(string path, Func<HttpResponseMessage, bool> ok)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the process exited ({_process.ExitCode}):\n{Output}");
            try
            {
                using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
                if (ok(response)) return SinceStart.Elapsed;
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"{path} did not answer within 90 s:\n{Output}");
    }

    /// <summary>VmRSS in MiB: what the kernel holds in memory for the process right now.</summary>
    public double ResidentMiB()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
    }

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public void Dispose()
    {
        Http.Dispose();
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            // Enough to explain a failure; a long run must not grow without bound.
            if (_output.Length > 200_000) _output.Remove(0, 100_000);
            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
