using CondoBot.Core;
using CondoBot.Core.Sessions;
using Npgsql;

namespace CondoBot.Storage.Postgres;

/// <summary>
/// Recorded steps as rows of <c>condobot.session_steps</c>, written by <see cref="PostgresSessionStore"/> in the
/// transaction that changes the session. Every replica's pump reads them, so a replica that dies after answering a
/// command leaves its step to the others. Reading leases the rows for <see cref="Lease"/> (skipping rows another
/// replica holds), so two replicas seldom queue the same step twice, and a lease whose holder died runs out.
/// </summary>
public sealed class PostgresStepHandOver(PostgresDatabase database, TimeProvider time) : IStepHandOver, IDisposable
{
    /// <summary>How long a read row is left to the replica that read it before another may hand it over.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _recorded = new(0, 1);

    /// <summary>Adds the row inside the caller's transaction.</summary>
    internal static async Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SessionStep step, CancellationToken cancellationToken)
    {
        await using var insert = PostgresDatabase.Command(connection, transaction,
            "INSERT INTO condobot.session_steps (session_id, kind, poll_token) VALUES (@session, @kind, @token)",
            ("session", step.Session.ToString()), ("kind", step.Kind.ToString()), ("token", step.PollToken));
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Wakes this replica's pump; called once the transaction holding a step has committed.</summary>
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

    public async Task<IReadOnlyList<HandedOverStep>> PendingAsync(int max, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var command = database.Command(
            """
            UPDATE condobot.session_steps SET leased_until = @until
            WHERE seq IN (
                SELECT seq FROM condobot.session_steps WHERE leased_until <= @now
                ORDER BY seq DESC LIMIT @max FOR UPDATE SKIP LOCKED)
            RETURNING seq, session_id, kind, poll_token
            """,
            ("until", (now + Lease).ToUnixTimeMilliseconds()), ("now", now.ToUnixTimeMilliseconds()), ("max", max));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var steps = new List<HandedOverStep>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var session = reader.GetString(1);
            if (!SessionId.TryParse(session, out var id)) throw new FormatException($"session_steps holds a malformed session id '{session}'.");
            steps.Add(new HandedOverStep(reader.GetInt64(0), new SessionStep(id, Enum.Parse<SessionStepKind>(reader.GetString(2)), reader.GetInt32(3))));
        }

        steps.Sort((a, b) => b.Sequence.CompareTo(a.Sequence));
        return steps;
    }

    public async Task DoneAsync(IReadOnlyList<long> sequences, CancellationToken cancellationToken)
    {
        if (sequences.Count == 0) return;
        await using var command = database.Command("DELETE FROM condobot.session_steps WHERE seq = ANY(@done)", ("done", sequences.ToArray()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => await _recorded.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _recorded.Dispose();
}
