using System.Text.Json.Nodes;

namespace CondoBot.Teams.Tests.Fakes;

/// <summary>Activities as Teams sends them, for a person chatting 1:1 with the bot or mentioning it in a channel.</summary>
public static class TestActivities
{
    public const string BotName = "CondoBot";

    public static string BotId => "28:" + FakeBotService.AppId;

    public static JsonObject Personal(string serviceUrl, TestPerson person, string text, string? id = null) => Message(
        serviceUrl, person, text, id,
        new JsonObject { ["id"] = "a:personal-" + person.UserId, ["conversationType"] = "personal", ["tenantId"] = FakeBotService.TenantId });

    /// <summary>A channel message that mentions the bot: Teams puts the mention's markup in the text and an entity.</summary>
    public static JsonObject InChannel(string serviceUrl, TestPerson person, string text, string? id = null)
    {
        var mention = $"<at>{BotName}</at>";
        var activity = Message(serviceUrl, person, $"{mention} {text}", id,
            new JsonObject { ["id"] = "19:general@thread.tacv2;messageid=1700000000000", ["conversationType"] = "channel", ["tenantId"] = FakeBotService.TenantId });
        activity["entities"] = new JsonArray(
            new JsonObject { ["type"] = "mention", ["text"] = mention, ["mentioned"] = new JsonObject { ["id"] = BotId, ["name"] = BotName } },
            new JsonObject { ["type"] = "clientInfo", ["locale"] = "en-US" });
        return activity;
    }

    /// <summary>What Teams sends when someone presses an Action.Submit button: no text, the button's data as value.</summary>
    public static JsonObject CardSubmit(string serviceUrl, TestPerson person, JsonNode data, string? id = null)
    {
        var activity = Personal(serviceUrl, person, "", id);
        activity.Remove("text");
        activity["value"] = data.DeepClone();
        return activity;
    }

    private static JsonObject Message(string serviceUrl, TestPerson person, string text, string? id, JsonObject conversation) => new()
    {
        ["type"] = "message",
        ["id"] = id ?? Random.Shared.NextInt64(1_700_000_000_000, 1_800_000_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
        ["serviceUrl"] = serviceUrl,
        ["channelId"] = "msteams",
        ["from"] = new JsonObject { ["id"] = person.UserId, ["name"] = person.Name, ["aadObjectId"] = person.AadObjectId },
        ["conversation"] = conversation,
        ["recipient"] = new JsonObject { ["id"] = BotId, ["name"] = BotName },
        ["text"] = text,
        ["textFormat"] = "plain",
        ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = FakeBotService.TenantId } },
    };
}

/// <summary>A Teams user: their Teams id (29:...) and Entra object id.</summary>
public sealed record TestPerson(string Name, string UserId, string AadObjectId)
{
    public static TestPerson New(string name = "Ada")
    {
        var aad = Guid.NewGuid().ToString();
        return new TestPerson(name, "29:" + Guid.NewGuid().ToString("N"), aad);
    }
}
