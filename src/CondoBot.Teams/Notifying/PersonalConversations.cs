using CondoBot.Core.Notices;
using CondoBot.Teams.Connector;
using Microsoft.Extensions.Logging;

namespace CondoBot.Teams.Notifying;

/// <summary>
/// Finds the 1:1 chat with a user, opening it through the Connector the first time, because notices carry a
/// JupyterLab token and must never be posted where the command was typed if that was a channel.
/// </summary>
public sealed partial class PersonalConversations(
    ConnectorClient connector,
    ConversationReferences references,
    ILogger<PersonalConversations> logger)
{
    /// <summary>The conversation id, or how the notice counts when it could not be opened.</summary>
    public async Task<(string? Id, Delivery? Failure)> EnsureAsync(ConversationReference reference, CancellationToken cancellationToken)
    {
        if (reference.PersonalConversationId is { } known) return (known, null);
        var created = await connector.CreatePersonalConversationAsync(reference.ServiceUrl, reference.UserId, reference.TenantId, cancellationToken);
        if (!created.Succeeded) return (null, created.ToDelivery("opening a 1:1 conversation"));
        if (created.Id is null) return (null, Delivery.Later("opening a 1:1 conversation: the Connector answered without an id"));
        await references.SaveAsync(reference with { PersonalConversationId = created.Id }, cancellationToken);
        LogOpened(reference.AadObjectId);
        return (created.Id, null);
    }

    /// <summary>Forgets a 1:1 conversation the Connector no longer knows; the next notice opens a new one.</summary>
    public Task ForgetAsync(ConversationReference reference, CancellationToken cancellationToken) =>
        references.SaveAsync(reference with { PersonalConversationId = null }, cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Opened a 1:1 conversation with Teams user {AadObjectId}")]
    private partial void LogOpened(string aadObjectId);
}
