using CondoBot.Core.Audit;
using CondoBot.Core.Identity;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using Microsoft.Extensions.Time.Testing;

namespace CondoBot.Storage.Tests.Rigs;

/// <summary>The base of the provider-neutral store tests: the rig's stores under short names.</summary>
public abstract class StoreTests(StoreRig rig) : IDisposable
{
    protected StoreRig Rig => rig;

    protected FakeTimeProvider Time => rig.Time;

    internal XorProtector Protector => rig.Protector;

    protected OutboxSignal Signal => rig.Signal;

    protected ISessionStore Sessions => rig.Sessions;

    protected INoticeOutbox Outbox => rig.Outbox;

    protected IDelegatedKeyStore Keys => rig.Keys;

    protected IChatStateStore ChatState => rig.ChatState;

    protected IAuditLog Audit => rig.Audit;

    protected ISubmissionClaims Claims => rig.Claims;

    protected IStepHandOver HandOver => rig.HandOver;

    protected void Reopen() => rig.Reopen();

    public void Dispose()
    {
        rig.Dispose();
        GC.SuppressFinalize(this);
    }
}
