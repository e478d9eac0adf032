using System.Globalization;
using System.Text;
using CondoBot.Core;

namespace CondoBot.Cluster.Tests;

/// <summary>
/// What a Slurm job's processes listen on, as the kernel tells it (this machine's one network namespace): every process
/// whose environment names the job, the sockets among its open files, and which of those are listening Unix sockets
/// (by path, from <c>/proc/net/unix</c>) or listening TCP sockets (by local address, from <c>/proc/net/tcp</c> and
/// <c>tcp6</c>). Needs root, to read other users' /proc entries.
/// </summary>
internal sealed record JobSockets(IReadOnlyList<int> Processes, IReadOnlyList<string> Unix, IReadOnlyList<string> Tcp)
{
    public static JobSockets Of(SlurmJobId job)
    {
        var marker = Encoding.ASCII.GetBytes($"SLURM_JOB_ID={job}\0");
        var inside = Encoding.ASCII.GetBytes($"\0SLURM_JOB_ID={job}\0");
        var processes = new List<int>();
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            try
            {
                var environ = File.ReadAllBytes(Path.Combine(dir, "environ"));
                if (!environ.AsSpan().StartsWith(marker) && environ.AsSpan().IndexOf(inside) < 0) continue;
                processes.Add(pid);
                foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(dir, "fd")))
                {
                    var target = new FileInfo(fd).LinkTarget;
                    if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal)) inodes.Add(target[8..^1]);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while it was being read.
            }
        }

        if (processes.Count == 0) throw new InvalidOperationException($"no process of job {job} is running");

        // /proc/net/unix: Num RefCount Protocol Flags Type St Inode Path; flags 00010000 is __SO_ACCEPTCON (listening).
        var unix = File.ReadLines("/proc/net/unix").Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 8 && f[3] == "00010000" && inodes.Contains(f[6]))
            .Select(f => f[7])
            .ToList();
        // /proc/net/tcp: sl local_address rem_address st ... inode (the tenth field); st 0A is LISTEN.
        var tcp = new[] { "/proc/net/tcp", "/proc/net/tcp6" }.SelectMany(file => File.ReadLines(file).Skip(1))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 10 && f[3] == "0A" && inodes.Contains(f[9]))
            .Select(f => f[1])
            .ToList();
        return new JobSockets(processes, unix, tcp);
    }
}
