using System.Text.Json;
using System.Text.Json.Serialization;

namespace CondoBot.Storage.Json;

/// <summary>Writes an id as the text it prints as, and reads it back through its own parser, so stored ids look like logged ones.</summary>
internal sealed class TextConverter<T>(Func<T, string> format, Func<string, T?> parse) : JsonConverter<T>
    where T : struct
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return text is not null && parse(text) is { } value
            ? value
            : throw new JsonException($"Expected a {typeof(T).Name} as a string, found {reader.TokenType}.");
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        writer.WriteStringValue(format(value));
}
