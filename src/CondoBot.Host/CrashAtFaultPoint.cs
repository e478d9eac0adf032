using System.Diagnostics;
using CondoBot.Core.Sessions;

namespace CondoBot.Host;

/// <summary>
/// Kills the process (as <c>kill -9</c> would) at the fault point named by <c>Faults__CrashAt</c>. For the restart
/// tests only; unset, it does nothing.
/// </summary>
public sealed class CrashAtFaultPoint(string armed) : FaultPoints
{
    public override void Reached(string point)
    {
        if (string.Equals(armed, point, StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"Crashing at fault point {point} (Faults__CrashAt)");
            Process.GetCurrentProcess().Kill();
        }
    }
}
