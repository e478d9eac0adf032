using System.Globalization;
using System.Text;
using CondoBot.Core.Clusters;

namespace CondoBot.Cluster.Slurm;

/// <summary>
/// The batch script for one session, sent to sbatch on stdin. It starts JupyterLab with a fresh token that only ever
/// travels in the environment (never on a command line), retries on another port if the chosen one is taken, and writes
/// a private connection file once JupyterLab answers, which is how the bot learns the session is ready.
/// </summary>
public static class JobScript
{
    public const int LaunchAttempts = 5;

    /// <summary>The connection file's path relative to the user's home, where the bot reads it.</summary>
    public static string ConnectionFile(Core.SessionId session) => $".condobot/{session}.conn";

    public static string Render(JobRequest request, ClusterProfile cluster)
    {
        var s = new StringBuilder();
        s.AppendLine("#!/bin/bash");
        s.AppendLine(CultureInfo.InvariantCulture, $"# CondoBot session {request.Session}: JupyterLab on the first node of this job.");
        s.AppendLine("umask 077");
        s.AppendLine(CultureInfo.InvariantCulture, $"conn=\"$HOME/{ConnectionFile(request.Session)}\"");
        s.AppendLine("trap 'rm -f \"$conn\" \"$conn.tmp\"' EXIT");
        s.AppendLine("trap 'exit 143' TERM");
        if (!string.IsNullOrWhiteSpace(cluster.JobPreamble))
        {
            s.AppendLine("# Site preamble");
            s.AppendLine(cluster.JobPreamble.ReplaceLineEndings("\n").TrimEnd());
        }

        s.AppendLine("export XDG_RUNTIME_DIR=\"\"");
        s.AppendLine("JUPYTER_TOKEN=\"$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \\n')\"");
        s.AppendLine("export JUPYTER_TOKEN");
        s.AppendLine("node=\"${SLURMD_NODENAME:-$(hostname -s)}\"");
        s.AppendLine(CultureInfo.InvariantCulture, $"port={request.NodePort}");
        s.AppendLine(CultureInfo.InvariantCulture, $"for attempt in $(seq 1 {LaunchAttempts}); do");
        s.AppendLine(CultureInfo.InvariantCulture, $"  {cluster.LaunchCommand} --ip=0.0.0.0 --port=\"$port\" --port-retries=0 --no-browser &");
        s.AppendLine("  pid=$!");
        s.AppendLine("  while kill -0 \"$pid\" 2>/dev/null; do");
        // Asked at the node's own name first, where the printed tunnel reaches it (a node's JupyterLab may listen on
        // its own address only), then on loopback.
        s.AppendLine("    if curl -s -o /dev/null --max-time 2 \"http://$node:$port/api\" || curl -s -o /dev/null --max-time 2 \"http://127.0.0.1:$port/api\"; then");
        s.AppendLine("      printf 'node=%s\\nport=%s\\ntoken=%s\\nready=%s\\n' \"$node\" \"$port\" \"$JUPYTER_TOKEN\" \"$(date +%s)\" > \"$conn.tmp\"");
        s.AppendLine("      mv \"$conn.tmp\" \"$conn\"");
        s.AppendLine("      wait \"$pid\"");
        s.AppendLine("      exit $?");
        s.AppendLine("    fi");
        s.AppendLine("    sleep 0.5");
        s.AppendLine("  done");
        s.AppendLine("  wait \"$pid\"");
        s.AppendLine("  echo \"CondoBot: JupyterLab stopped before answering on port $port (attempt $attempt)\" >&2");
        var range = cluster.NodePortMax - cluster.NodePortMin;
        s.AppendLine(CultureInfo.InvariantCulture, $"  port=$(( {cluster.NodePortMin} + (RANDOM * 32768 + RANDOM) % {range} ))");
        s.AppendLine("done");
        s.AppendLine("echo \"CondoBot: JupyterLab did not start\" >&2");
        s.AppendLine("exit 1");
        return s.ToString();
    }
}
