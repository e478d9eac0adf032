using System.Globalization;
using System.Text.RegularExpressions;

namespace CondoBot.Core.Sessions;

/// <summary>
/// Why a job ended before JupyterLab answered, in plain words with what to do, read from the last lines of its output:
/// a launch command not found, a module that does not load, out of memory, a full disk quota, a Python import error,
/// no free port. Anything else is quoted (its last few lines), never with a token. Total: any text gives an answer.
/// </summary>
public static partial class StartFailures
{
    private const int Quoted = 5;

    public static string Explain(IReadOnlyList<string> output, string cluster, SlurmJobId job)
    {
        var lines = output.Select(Hide).Where(l => l.Trim().Length > 0).ToList();
        string? Find(Regex pattern, out Match found)
        {
            for (var i = lines.Count - 1; i >= 0; i--)
            {
                var m = pattern.Match(lines[i]);
                if (m.Success)
                {
                    found = m;
                    return lines[i].Trim();
                }
            }

            found = Match.Empty;
            return null;
        }

        if (Find(Quota(), out _) is { } quota)
        {
            return $"JupyterLab could not write its files: your disk quota is used up (\"{Short(quota)}\"). " +
                "Free some space in your home (on the login node, `du -sh ~/.[!.]* ~/*` shows what takes it; `~/.cache` is safe to clear), then start again.";
        }

        if (Find(OutOfMemory(), out _) is { } memory)
        {
            return $"The job ran out of memory before JupyterLab answered, and was killed (\"{Short(memory)}\"). " +
                "Start again with less loaded at start-up (a large notebook extension or startup script), or ask the site for a partition with more memory per node.";
        }

        if (Find(ModuleFailed(), out var module) is { } moduleLine)
        {
            var name = module.Groups["name"].Value;
            return $"The module {(name.Length > 0 ? $"`{name}` " : "")}did not load (\"{Short(moduleLine)}\"), so JupyterLab's environment was never set up. " +
                $"`module avail` on the login node lists the modules {cluster} has; the site's preamble for it (`Clusters__{cluster}__JobPreamble`) needs fixing.";
        }

        if (Find(ImportFailed(), out var import) is { } importLine)
        {
            var name = import.Groups["name"].Value;
            var what = name.Length > 0 ? $"`{name}`" : "a package";
            var fix = name.Length > 0 ? $"Install it there (`pip install --user {name.Split('.')[0]}` on the login node)" : "Install or repair it there";
            return $"Python could not import {what} (\"{Short(importLine)}\"): the environment JupyterLab runs in lacks that package or has a broken copy. " +
                $"{fix}, or ask the site to fix the environment.";
        }

        if (Find(PortTaken(), out _) is { } port)
        {
            return $"JupyterLab found no free port on the node (\"{Short(port)}\"). Start again: the port on the node is chosen anew each time. " +
                $"If it keeps happening, the site's port range (`Clusters__{cluster}__NodePortMin` to `NodePortMax`) is taken on that node.";
        }

        if (Find(NotFound(), out var missing) is { } missingLine)
        {
            var name = missing.Groups["name"].Value;
            return $"The launch command `{name}` was not found on the node (\"{Short(missingLine)}\"), so JupyterLab never started. " +
                $"The site's `Clusters__{cluster}__LaunchCommand` names a program that is not installed there, or its preamble (`Clusters__{cluster}__JobPreamble`, a `module load` say) does not put it on the PATH; ask the site to fix it.";
        }

        if (lines.Count == 0)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"JupyterLab stopped before it answered, and the job left no output to say why (`~/.condobot/slurm-{job}.out` on the cluster).");
        }

        var last = lines.TakeLast(Quoted).Select(l => l.Length > 300 ? l[..300] + "..." : l);
        return "JupyterLab stopped before it answered. The last lines of the job's output:\n```" + string.Join('\n', last) + "```";
    }

    /// <summary>A token (as JupyterLab prints it in its URL, or as a long hex string) never leaves here.</summary>
    public static string Hide(string line) => LongHex().Replace(TokenParameter().Replace(line, "token=(hidden)"), "(hidden)");

    private static string Short(string line) => line.Length > 200 ? line[..200] + "..." : line;

    [GeneratedRegex(@"Disk quota exceeded|No space left on device|Errno 122\]", RegexOptions.IgnoreCase)]
    private static partial Regex Quota();

    [GeneratedRegex(@"oom[-_ ]?kill|Out Of Memory|OUT_OF_MEMORY|MemoryError|Cannot allocate memory", RegexOptions.IgnoreCase)]
    private static partial Regex OutOfMemory();

    [GeneratedRegex(@"Unable to locate a modulefile for '(?<name>[^']+)'|(?:Lmod has detected the following error:.*?)?The following module\(s\) are unknown: ""(?<name>[^""]+)""|module(?<name>): command not found|Lmod has detected the following error")]
    private static partial Regex ModuleFailed();

    [GeneratedRegex(@"ModuleNotFoundError: No module named '(?<name>[^']+)'|ImportError: cannot import name '[^']+' from '(?<name>[^']+)'|ImportError: No module named '?(?<name>[\w.]+)'?|ImportError: (?<name>)")]
    private static partial Regex ImportFailed();

    [GeneratedRegex(@"no available port could be found|is already in use|Address already in use", RegexOptions.IgnoreCase)]
    private static partial Regex PortTaken();

    [GeneratedRegex(@"(?<name>[^\s:]+): command not found|Jupyter command `(?<name>[^`]+)` not found|exec: (?<name>[^\s:]+): not found|(?<name>[^\s:]+): No such file or directory$")]
    private static partial Regex NotFound();

    [GeneratedRegex(@"token=[^\s&""'#]+", RegexOptions.IgnoreCase)]
    private static partial Regex TokenParameter();

    [GeneratedRegex(@"[0-9a-fA-F]{32,}")]
    private static partial Regex LongHex();
}
