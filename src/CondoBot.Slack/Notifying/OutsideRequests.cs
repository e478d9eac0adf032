using CondoBot.Core;
using CondoBot.Core.Notices;

namespace CondoBot.Slack.Notifying;

/// <summary>
/// Remembers that a person pressed "Outside the lab network?" for a job, so that the instructions the core sends in
/// answer are drawn as the external-login variant. Kept in the durable chat state because the answer comes back
/// through the outbox, possibly after a restart.
/// </summary>
internal sealed class OutsideRequests(IChatStateStore state)
{
    public Task RememberAsync(ChatUserId user, SlurmJobId job, CancellationToken cancellationToken) =>
        state.PutAsync(Key(user, job), "1", cancellationToken);

    public async Task<bool> WantedAsync(ChatUserId user, SlurmJobId? job, CancellationToken cancellationToken) =>
        job is { } id && await state.GetAsync(Key(user, id), cancellationToken) is not null;

    public Task ForgetAsync(ChatUserId user, SlurmJobId job, CancellationToken cancellationToken) =>
        state.DeleteAsync(Key(user, job), cancellationToken);

    private static string Key(ChatUserId user, SlurmJobId job) => $"slack:outside:{user.Id}:{job}";
}
