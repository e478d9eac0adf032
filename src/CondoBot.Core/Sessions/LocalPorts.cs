namespace CondoBot.Core.Sessions;

/// <summary>How <c>start</c> gives a session its local port, when the person did not choose one.</summary>
public static class LocalPorts
{
    /// <summary>The highest port there is; a port after it cannot be given.</summary>
    public const int Highest = 65535;

    /// <summary>
    /// <paramref name="wanted"/> if no active session uses it, otherwise the port after the highest in use: the rule every
    /// store answers, whatever it reads.
    /// </summary>
    public static int Free(int wanted, IReadOnlyCollection<int> inUse) =>
        !inUse.Contains(wanted) ? wanted : inUse.Max() + 1;
}
