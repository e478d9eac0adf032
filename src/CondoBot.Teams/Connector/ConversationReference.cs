using System.Text.Json;
using CondoBot.Core.Notices;
using CondoBot.Teams.Activities;

namespace CondoBot.Teams.Connector;

/// <summary>
/// What the bot needs to message a Teams user on its own initiative: their Connector endpoint, tenant and ids, and
/// the 1:1 conversation once one is known. Kept per user (<c>aadObjectId</c>) from their latest authenticated activity.
/// </summary>
public sealed record ConversationReference(
    string ServiceUrl,
    string TenantId,
    string BotId,
    string UserId,
    string AadObjectId,
    string? PersonalConversationId)
{
    public static ConversationReference? From(Activity activity, string fallbackTenant)
    {
        if (activity.ServiceUrl is not { Length: > 0 } serviceUrl
            || activity.From is not { Id: { Length: > 0 } userId, AadObjectId: { Length: > 0 } aad }
            || activity.Recipient?.Id is not { Length: > 0 } botId)
        {
            return null;
        }

        var personal = string.Equals(activity.Conversation?.ConversationType, "personal", StringComparison.OrdinalIgnoreCase)
            ? activity.Conversation?.Id
            : null;
        return new ConversationReference(serviceUrl, activity.TenantId ?? fallbackTenant, botId, userId, aad, personal);
    }
}

/// <summary>Conversation references in the chat state store, under <c>teams:user:AADOBJECTID</c>.</summary>
public sealed class ConversationReferences(IChatStateStore state)
{
    public async Task<ConversationReference?> GetAsync(string aadObjectId, CancellationToken cancellationToken) =>
        await state.GetAsync(Key(aadObjectId), cancellationToken) is { } json
            ? JsonSerializer.Deserialize<ConversationReference>(json, ConnectorJson.Options)
            : null;

    /// <summary>
    /// Stores what a new activity says about its sender, keeping the 1:1 conversation already known when the activity
    /// came from a channel or group chat. Writes only when something changed.
    /// </summary>
    public async Task RememberAsync(ConversationReference latest, CancellationToken cancellationToken)
    {
        var known = await GetAsync(latest.AadObjectId, cancellationToken);
        var merged = latest with { PersonalConversationId = latest.PersonalConversationId ?? known?.PersonalConversationId };
        if (merged != known) await SaveAsync(merged, cancellationToken);
    }

    public Task SaveAsync(ConversationReference reference, CancellationToken cancellationToken) =>
        state.PutAsync(Key(reference.AadObjectId), JsonSerializer.Serialize(reference, ConnectorJson.Options), cancellationToken);

    private static string Key(string aadObjectId) => "teams:user:" + aadObjectId;
}
