namespace CondoBot.Storage.Postgres;

/// <summary>
/// The tables, as numbered steps, in the <c>condobot</c> schema (Hangfire keeps its own). <c>schema_version</c> records
/// the last step applied; starting applies the rest. Steps are append-only: a released step is never edited.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>Any fixed number: replicas starting together take this lock so that only one of them migrates.</summary>
    private const long MigrationLock = 0x436f6e646f_01;

    private static readonly string[] Steps =
    [
        """
        CREATE TABLE condobot.sessions (
            id text PRIMARY KEY,
            owner text NOT NULL,
            state text NOT NULL,
            job_id bigint NULL,
            created_at bigint NOT NULL,
            ended_at bigint NULL,
            version integer NOT NULL,
            data text NOT NULL,
            added bigserial NOT NULL);
        CREATE INDEX sessions_by_owner ON condobot.sessions (owner, created_at);
        CREATE INDEX sessions_active ON condobot.sessions (state);

        -- lease_owner/lease_until: the replica delivering a notice, and until when; see PostgresNoticeOutbox.
        CREATE TABLE condobot.outbox (
            seq bigserial PRIMARY KEY,
            recipient text NOT NULL,
            payload bytea NOT NULL,
            attempts integer NOT NULL,
            due_at bigint NOT NULL,
            created_at bigint NOT NULL,
            lease_owner text NULL,
            lease_until bigint NULL);
        CREATE INDEX outbox_by_recipient ON condobot.outbox (recipient, seq);

        CREATE TABLE condobot.user_keys (
            chat_user text PRIMARY KEY,
            login text NOT NULL,
            public_key text NOT NULL,
            protected_private_key bytea NOT NULL,
            created_at bigint NOT NULL);

        CREATE TABLE condobot.chat_state (
            key text PRIMARY KEY,
            value text NOT NULL,
            updated_at bigint NOT NULL);

        -- The Data Protection key ring, so that every replica can unseal what another sealed.
        CREATE TABLE condobot.data_protection_keys (
            id bigserial PRIMARY KEY,
            friendly_name text NOT NULL,
            xml text NOT NULL);
        """,
        """
        -- The audit trail: append-only, pruned by age; see IAuditLog.
        CREATE TABLE condobot.audit (
            id bigserial PRIMARY KEY,
            at bigint NOT NULL,
            chat_user text NOT NULL,
            action text NOT NULL,
            outcome text NOT NULL,
            login text NULL,
            cluster text NULL,
            job_id bigint NULL,
            session_id text NULL,
            detail text NULL,
            reason text NULL);
        CREATE INDEX audit_by_user ON condobot.audit (chat_user, id);
        CREATE INDEX audit_by_time ON condobot.audit (at);
        """,
        """
        -- Who is submitting a session, until when; see ISubmissionClaims.
        CREATE TABLE condobot.submission_claims (
            session_id text PRIMARY KEY,
            holder uuid NOT NULL,
            held_until bigint NOT NULL);
        """,
        """
        -- A notice that cannot be opened is kept but no longer handed out; see OutboxRows.
        ALTER TABLE condobot.outbox ADD COLUMN set_aside_at bigint NULL;
        """,
        """
        -- The step a command set off, recorded with the session it changed; see IStepHandOver.
        CREATE TABLE condobot.session_steps (
            seq bigserial PRIMARY KEY,
            session_id text NOT NULL,
            kind text NOT NULL,
            poll_token integer NOT NULL,
            leased_until bigint NOT NULL DEFAULT 0);
        """,
    ];

    public static int LatestVersion => Steps.Length;

    public static void Upgrade(PostgresDatabase database)
    {
        using var connection = database.DataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        using (var prepare = PostgresDatabase.Command(connection, transaction,
            """
            SELECT pg_advisory_xact_lock(@lock);
            CREATE SCHEMA IF NOT EXISTS condobot;
            CREATE TABLE IF NOT EXISTS condobot.schema_version (version integer NOT NULL);
            """, ("lock", MigrationLock)))
        {
            prepare.ExecuteNonQuery();
        }

        int current;
        using (var read = PostgresDatabase.Command(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM condobot.schema_version"))
        {
            current = Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }

        if (current > LatestVersion)
        {
            // A newer bot migrated this database; older code could silently drop what it added.
            throw new InvalidOperationException(
                $"The PostgreSQL database has CondoBot schema version {current}, newer than this build knows ({LatestVersion}).");
        }

        for (var version = current + 1; version <= LatestVersion; version++)
        {
            using var step = PostgresDatabase.Command(connection, transaction,
                Steps[version - 1] + ";\nINSERT INTO condobot.schema_version (version) VALUES (@version)", ("version", version));
            step.ExecuteNonQuery();
        }

        transaction.Commit();
    }
}
