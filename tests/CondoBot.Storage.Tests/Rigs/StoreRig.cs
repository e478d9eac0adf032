using CondoBot.Core.Audit;
using CondoBot.Core.Diagnostics;
using CondoBot.Core.Identity;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using Microsoft.Extensions.Time.Testing;

namespace CondoBot.Storage.Tests.Rigs;

/// <summary>
/// One storage provider's stores on a real, fresh database, for the provider-neutral store tests: each test class
/// is written once against this and run once per provider by a one-line subclass.
/// </summary>
public abstract class StoreRig : IDisposable
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 14, 9, 0, 0, TimeSpan.Zero));

    internal XorProtector Protector { get; } = new();

    public OutboxSignal Signal { get; } = new();

    public CondoBotMetrics Metrics { get; } = new();

    public abstract ISessionStore Sessions { get; }

    public abstract INoticeOutbox Outbox { get; }

    public abstract IDelegatedKeyStore Keys { get; }

    public abstract IChatStateStore ChatState { get; }

    public abstract IAuditLog Audit { get; }

    public abstract ISubmissionClaims Claims { get; }

    public abstract IStepHandOver HandOver { get; }

    /// <summary>Closes the database and opens it again, as a restarted bot would.</summary>
    public abstract void Reopen();

    /// <summary>Queues a row as it is stored (recipient, sealed payload), bypassing sealing: a row written by another build, or under a lost key.</summary>
    public abstract void InsertRawNotice(string recipient, byte[] payload);

    /// <summary>How many rows the outbox holds, handed out or not.</summary>
    public abstract long OutboxRows();

    /// <summary>Everything the provider stored for the outbox, as searchable text (the file's bytes, or the rows).</summary>
    public abstract string RawOutboxText();

    public virtual void Dispose()
    {
        Signal.Dispose();
        Metrics.Dispose();
        GC.SuppressFinalize(this);
    }
}
