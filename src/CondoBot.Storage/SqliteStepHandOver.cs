using CondoBot.Core;
using CondoBot.Core.Sessions;
using SQLite;

namespace CondoBot.Storage;

/// <summary>
/// Recorded steps as rows of <c>session_steps</c>, written by <see cref="SqliteSessionStore"/> inside the write that
/// changes the session, so they share its commit (and its fsync). One process owns an SQLite file, so there is one
/// pump and no need to lease rows to it.
/// </summary>
public sealed class SqliteStepHandOver(SqliteDatabase database) : IStepHandOver, IDisposable
{
    private readonly SemaphoreSlim _recorded = new(0, 1);

    /// <summary>Adds the row; runs inside the caller's write.</summary>
    internal static void Append(SQLiteConnection connection, SessionStep step) => connection.Run(
        "INSERT INTO session_steps (session_id, kind, poll_token) VALUES (?, ?, ?)",
        step.Session.ToString(), step.Kind.ToString(), step.PollToken);

    /// <summary>Wakes the pump; called once the write holding a step has committed.</summary>
    internal void Signal()
    {
        try
        {
            _recorded.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up covers every step recorded before it is taken.
        }
    }

    public Task<IReadOnlyList<HandedOverStep>> PendingAsync(int max, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<HandedOverStep> steps = database.Read(connection => connection.Rows(
            "SELECT seq, session_id, kind, poll_token FROM session_steps ORDER BY seq DESC LIMIT ?",
            row => new HandedOverStep(row.Long(0), new SessionStep(Read(row.Text(1)), Enum.Parse<SessionStepKind>(row.Text(2)), (int)row.Long(3))),
            max));
        return Task.FromResult(steps);
    }

    public Task DoneAsync(IReadOnlyList<long> sequences, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (sequences.Count == 0) return Task.CompletedTask;
        var done = sequences.ToArray();
        return database.WriteAsync(connection =>
        {
            foreach (var seq in done) connection.Run("DELETE FROM session_steps WHERE seq = ?", seq);
        });
    }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => await _recorded.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _recorded.Dispose();

    /// <summary>Rows are written only from a <see cref="SessionId"/>; one that does not read back is a bug.</summary>
    internal static SessionId Read(string session) =>
        SessionId.TryParse(session, out var id) ? id : throw new FormatException($"session_steps holds a malformed session id '{session}'.");
}
