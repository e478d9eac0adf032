using System.Text.Json;
using System.Text.Json.Serialization;

namespace CondoBot.Teams.Activities;

/// <summary>The parts of a Bot Framework activity the bot reads; everything else in the JSON is ignored.</summary>
public sealed class Activity
{
    public string? Type { get; set; }
    public string? Id { get; set; }
    public string? ServiceUrl { get; set; }
    public string? ChannelId { get; set; }
    public string? Text { get; set; }

    /// <summary>For a card's Action.Submit, the id of the message that carried the card.</summary>
    public string? ReplyToId { get; set; }
    public ChannelAccount? From { get; set; }
    public ConversationAccount? Conversation { get; set; }
    public ChannelAccount? Recipient { get; set; }
    public List<Entity>? Entities { get; set; }

    /// <summary>What an Adaptive Card's Action.Submit sent (its <c>data</c>); absent for typed messages.</summary>
    public JsonElement? Value { get; set; }

    public JsonElement? ChannelData { get; set; }

    /// <summary>The tenant the conversation belongs to, wherever this activity carries it.</summary>
    [JsonIgnore]
    public string? TenantId =>
        Conversation?.TenantId is { Length: > 0 } tenant ? tenant
        : ChannelData is { ValueKind: JsonValueKind.Object } data
          && data.TryGetProperty("tenant", out var t) && t.ValueKind == JsonValueKind.Object
          && t.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString()
        : null;
}

public sealed class ChannelAccount
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? AadObjectId { get; set; }
}

public sealed class ConversationAccount
{
    public string? Id { get; set; }

    /// <summary><c>personal</c> (1:1 with the bot), <c>groupChat</c> or <c>channel</c>.</summary>
    public string? ConversationType { get; set; }

    public string? TenantId { get; set; }
}

public sealed class Entity
{
    public string? Type { get; set; }
    public string? Text { get; set; }
    public ChannelAccount? Mentioned { get; set; }
}

/// <summary>The JSON shape the Bot Connector speaks (camelCase, nulls left out).</summary>
public static class ConnectorJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
