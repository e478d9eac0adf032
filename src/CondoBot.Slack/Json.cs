using System.Text.Json;

namespace CondoBot.Slack;

/// <summary>Reads optional string fields from Slack's JSON without throwing on a missing or mistyped one.</summary>
internal static class Json
{
    public static string? Text(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static JsonElement Child(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;
}
