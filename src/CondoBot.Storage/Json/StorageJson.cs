using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CondoBot.Core;

namespace CondoBot.Storage.Json;

/// <summary>
/// How stored objects become JSON. What is written here outlives the process that wrote it, so enums are names (adding
/// a member cannot renumber old rows) and ids are their printed forms.
/// </summary>
internal static class StorageJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { SkipDerivedProperties } },
            Converters =
            {
                new JsonStringEnumConverter(),
                new TextConverter<SessionId>(id => id.ToString(), text => SessionId.TryParse(text, out var id) ? id : null),
                new TextConverter<SlurmJobId>(id => id.ToString(), text => SlurmJobId.TryParse(text, out var id) ? id : null),
                new TextConverter<ChatUserId>(id => id.ToString(), text => ChatUserId.TryParse(text, out var id) ? id : null),
                new TextConverter<ClusterUser>(login => login.Value, text => new ClusterUser(text)),
            },
        };
        options.MakeReadOnly();
        return options;
    }

    /// <summary>
    /// Leaves out properties computed from others (Session.Actor, Session.RanFor): they cannot be read back, and
    /// storing them would only invite someone to trust a stale copy.
    /// </summary>
    private static void SkipDerivedProperties(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object) return;
        for (var i = type.Properties.Count - 1; i >= 0; i--)
        {
            var property = type.Properties[i];
            if (property.Set is null && property.AssociatedParameter is null) type.Properties.RemoveAt(i);
        }
    }
}
