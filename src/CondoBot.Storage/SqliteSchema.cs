namespace CondoBot.Storage;

/// <summary>
/// The tables, as numbered steps. A file records the last step applied in <c>schema_version</c>; opening it applies the
/// rest. Steps are append-only: a released step is never edited, a change is a new step.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>One step's statements (SQLite prepares one statement at a time).</summary>
    private static readonly string[][] Steps =
    [
        [
            """
            CREATE TABLE sessions (
                id TEXT PRIMARY KEY NOT NULL,
                owner TEXT NOT NULL,
                state TEXT NOT NULL,
                job_id INTEGER NULL,
                created_at INTEGER NOT NULL,
                ended_at INTEGER NULL,
                data TEXT NOT NULL)
            """,
            "CREATE INDEX sessions_by_owner ON sessions (owner, created_at)",
            """
            CREATE TABLE outbox (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                recipient TEXT NOT NULL,
                payload BLOB NOT NULL,
                attempts INTEGER NOT NULL,
                due_at INTEGER NOT NULL,
                created_at INTEGER NOT NULL)
            """,
            "CREATE INDEX outbox_by_recipient ON outbox (recipient, seq)",
            """
            CREATE TABLE user_keys (
                chat_user TEXT PRIMARY KEY NOT NULL,
                login TEXT NOT NULL,
                public_key TEXT NOT NULL,
                protected_private_key BLOB NOT NULL,
                created_at INTEGER NOT NULL)
            """,
        ],
        [
            """
            CREATE TABLE chat_state (
                key TEXT PRIMARY KEY NOT NULL,
                value TEXT NOT NULL,
                updated_at INTEGER NOT NULL)
            """,
        ],
        [
            // Optimistic concurrency: a save names the version it read; see ISessionStore.SaveAsync.
            "ALTER TABLE sessions ADD COLUMN version INTEGER NOT NULL DEFAULT 0",
            "CREATE INDEX sessions_active ON sessions (state)",
        ],
        [
            // The audit trail: append-only, pruned by age; see IAuditLog.
            """
            CREATE TABLE audit (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at INTEGER NOT NULL,
                chat_user TEXT NOT NULL,
                action TEXT NOT NULL,
                outcome TEXT NOT NULL,
                login TEXT NULL,
                cluster TEXT NULL,
                job_id INTEGER NULL,
                session_id TEXT NULL,
                detail TEXT NULL,
                reason TEXT NULL)
            """,
            "CREATE INDEX audit_by_user ON audit (chat_user, id)",
            "CREATE INDEX audit_by_time ON audit (at)",
        ],
        [
            // Who is submitting a session, until when; see ISubmissionClaims.
            """
            CREATE TABLE submission_claims (
                session_id TEXT PRIMARY KEY NOT NULL,
                holder TEXT NOT NULL,
                held_until INTEGER NOT NULL)
            """,
        ],
        [
            // A notice that cannot be opened is kept but no longer handed out; see OutboxRows.
            "ALTER TABLE outbox ADD COLUMN set_aside_at INTEGER NULL",
        ],
        [
            // The step a command set off, recorded with the session it changed; see IStepHandOver.
            """
            CREATE TABLE session_steps (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                session_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                poll_token INTEGER NOT NULL)
            """,
        ],
        [
            // An active session's local port as a column: a start reads its owner's ports from this index alone,
            // where extracting them from every active document was a tenth of a start's work with many active.
            "ALTER TABLE sessions ADD COLUMN local_port INTEGER NULL",
            "UPDATE sessions SET local_port = json_extract(data, '$.localPort')",
            // The state too, though implied, so the index alone answers (SQLite checks the condition from it).
            "CREATE INDEX sessions_active_ports ON sessions (owner, local_port, state) WHERE state <> 'Ended'",
            // When an active session's next step is due (its NextStepAt, else its creation), in Unix milliseconds: the
            // watchdog reads only sessions late enough to be overdue, where it read and parsed every active one.
            "ALTER TABLE sessions ADD COLUMN due_at INTEGER NULL",
            """
            UPDATE sessions SET due_at = COALESCE(
                CAST(ROUND((julianday(json_extract(data, '$.nextStepAt')) - 2440587.5) * 86400000) AS INTEGER), created_at)
            """,
            "CREATE INDEX sessions_active_due ON sessions (due_at) WHERE state <> 'Ended'",
        ],
    ];

    public static int LatestVersion => Steps.Length;

    /// <summary>Brings the file to <see cref="LatestVersion"/> in one transaction, before any other use of it.</summary>
    public static void Upgrade(SQLite.SQLiteConnection connection)
    {
        connection.Execute("BEGIN IMMEDIATE");
        try
        {
            Apply(connection);
            connection.Execute("COMMIT");
        }
        catch
        {
            connection.Execute("ROLLBACK");
            throw;
        }
    }

    private static void Apply(SQLite.SQLiteConnection connection)
    {
        connection.Execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        var current = connection.ExecuteScalar<int>("SELECT COALESCE(MAX(version), 0) FROM schema_version");
        if (current > LatestVersion)
        {
            // A newer bot wrote this file; reading it with older code could silently drop what it added.
            throw new InvalidOperationException(
                $"The database '{connection.DatabasePath}' has schema version {current}, newer than this build knows ({LatestVersion}).");
        }

        for (var version = current + 1; version <= LatestVersion; version++)
        {
            foreach (var statement in Steps[version - 1]) connection.Execute(statement);
            connection.Execute("INSERT INTO schema_version (version) VALUES (?)", version);
        }
    }
}
