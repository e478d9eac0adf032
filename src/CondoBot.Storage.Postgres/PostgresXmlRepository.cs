using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace CondoBot.Storage.Postgres;

/// <summary>
/// The Data Protection key ring in the shared database, so a key sealed by one replica is unsealed by any other. Data
/// Protection calls this synchronously and caches the ring, so the few sync calls are rare. Like the file-system ring
/// it is stored unencrypted: access to the database is access to the keys, so guard its credentials accordingly.
/// </summary>
public sealed class PostgresXmlRepository(PostgresDatabase database) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var command = database.Command("SELECT xml FROM condobot.data_protection_keys ORDER BY id");
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read()) elements.Add(XElement.Parse(reader.GetString(0)));
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var command = database.Command(
            "INSERT INTO condobot.data_protection_keys (friendly_name, xml) VALUES (@name, @xml)",
            ("name", friendlyName), ("xml", element.ToString(SaveOptions.DisableFormatting)));
        command.ExecuteNonQuery();
    }
}
