using System.Security.Cryptography;
using System.Xml.Linq;
using CondoBot.Testing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CondoBot.Host.Tests;

/// <summary>
/// The Data Protection key ring encrypted with the configured certificate: a copy of the data folder, or a dump of
/// the database, unseals no user's key without the certificate; with it, the service carries on where it left off.
/// </summary>
[Collection(nameof(LocalClusterCollection))]
public sealed class KeyRingAtRestTests : IDisposable
{
    private const string Login = "condouser3";
    private const string Purpose = "CondoBot.DelegatedKeys.v1";
    private readonly LocalCluster _cluster = LocalCluster.Get();
    private readonly string _root = Directory.CreateTempSubdirectory("condobot-keyring-").FullName;
    private readonly string _password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private readonly List<IDisposable> _cleanup = [];

    public void Dispose()
    {
        foreach (var item in _cleanup.AsEnumerable().Reverse()) item.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private Dictionary<string, string> Settings(string data, string user, string? certificate)
    {
        var settings = _cluster.BotSettings(data, user);
        if (certificate is not null)
        {
            settings["DataProtection__CertificatePath"] = certificate;
            settings["DataProtection__CertificatePassword"] = _password;
        }

        return settings;
    }

    /// <summary>Links and authorizes a key through a service process that then exits, as after a day's work.</summary>
    private async Task LinkAndStopAsync(Dictionary<string, string> settings)
    {
        using var bot = BotProcess.Start(settings, "console");
        _cleanup.Add(await AuthorizedKey.LinkAsync(bot, Login));
        bot.CloseInput();
        Assert.True(bot.WaitForExit(TimeSpan.FromSeconds(60)), bot.Stderr);
    }

    private async Task ChecksTheKeyAsync(Dictionary<string, string> settings)
    {
        using var bot = BotProcess.Start(settings, "console");
        bot.Type("key check");
        await bot.WaitForAsync($"Your key works: I logged in to {_cluster.LoginHost} as {Login}", TimeSpan.FromSeconds(60));
    }

    private static void AssertEncrypted(IEnumerable<XElement> keys)
    {
        var all = keys.ToList();
        Assert.NotEmpty(all);
        Assert.All(all, key =>
        {
            Assert.Contains("EncryptedData", key.ToString(), StringComparison.Ordinal);
            Assert.Empty(key.Descendants("masterKey"));
        });
    }

    private static void AssertUnsealsNothingWithout(IXmlRepository keyRing, byte[] sealedKey)
    {
        var withoutCertificate = DataProtectionProvider.Create(new DirectoryInfo(Path.GetTempPath()), b =>
        {
            b.SetApplicationName("CondoBot");
            b.Services.Configure<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>(o =>
            {
                o.XmlRepository = keyRing;
                o.AutoGenerateKeys = false;
            });
        });
        Assert.ThrowsAny<CryptographicException>(() => withoutCertificate.CreateProtector(Purpose).Unprotect(sealedKey));
    }

    [Fact]
    public async Task ACopyOfTheDataFolder_UnsealsNoKeyWithoutTheCertificate_AndWithItTheServiceCarriesOn()
    {
        var data = Path.Combine(_root, "data");
        var certificate = TestCertificate.WritePfx(_root, _password);
        await LinkAndStopAsync(Settings(data, "keyring-sqlite", certificate));

        var copy = Path.Combine(_root, "copy");
        LocalCluster.Run("cp", "-a", data, copy);
        var keyRing = new Microsoft.AspNetCore.DataProtection.Repositories.FileSystemXmlRepository(new DirectoryInfo(Path.Combine(copy, "keyring")), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        AssertEncrypted(keyRing.GetAllElements());
        byte[] sealedKey;
        using (var db = new SQLite.SQLiteConnection(Path.Combine(copy, "condobot.db")))
        {
            sealedKey = db.ExecuteScalar<byte[]>("SELECT protected_private_key FROM user_keys");
        }

        AssertUnsealsNothingWithout(keyRing, sealedKey);
        await ChecksTheKeyAsync(Settings(copy, "keyring-sqlite", certificate));
    }

    [Fact]
    public async Task AfterARotation_ThePreviousCertificateStillOpensTheKeyRing_AndOnlyTheNewOneDoesNot()
    {
        var data = Path.Combine(_root, "data");
        var before = TestCertificate.WritePfx(_root, _password, "before");
        await LinkAndStopAsync(Settings(data, "keyring-rotation", before));

        var after = TestCertificate.WritePfx(_root, _password, "after");
        var rotated = Settings(data, "keyring-rotation", after);
        rotated["DataProtection__PreviousCertificatePaths"] = before;
        await ChecksTheKeyAsync(rotated);

        byte[] sealedKey;
        using (var db = new SQLite.SQLiteConnection(Path.Combine(data, "condobot.db")))
        {
            sealedKey = db.ExecuteScalar<byte[]>("SELECT protected_private_key FROM user_keys");
        }

        using var onlyTheNewOne = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(after, _password);
        var provider = DataProtectionProvider.Create(new DirectoryInfo(Path.Combine(data, "keyring")), b =>
        {
            b.SetApplicationName("CondoBot");
            b.ProtectKeysWithCertificate(onlyTheNewOne).UnprotectKeysWithAnyCertificate(onlyTheNewOne);
            b.Services.Configure<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>(o => o.AutoGenerateKeys = false);
        });
        Assert.ThrowsAny<CryptographicException>(() => provider.CreateProtector(Purpose).Unprotect(sealedKey));
    }

    [Fact]
    public async Task ADumpOfThePostgresDatabase_UnsealsNoKeyWithoutTheCertificate_AndWithItTheServiceCarriesOn()
    {
        using var postgres = LocalPostgres.CreateDatabase();
        var certificate = TestCertificate.WritePfx(_root, _password);
        var settings = Settings(Path.Combine(_root, "data"), "keyring-postgres", certificate);
        settings["Storage__Provider"] = "Postgres";
        settings["ConnectionStrings__CondoBot"] = postgres.ConnectionString;
        await LinkAndStopAsync(settings);

        var builder = new NpgsqlConnectionStringBuilder(postgres.ConnectionString);
        var dump = LocalCluster.Run("env", [$"PGPASSWORD={builder.Password}", "pg_dump", "--data-only", "-h", builder.Host!, "-p", builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", builder.Username!, "-d", builder.Database!], stdin: null);
        Assert.Contains("data_protection_keys", dump, StringComparison.Ordinal);
        Assert.Contains("EncryptedData", dump, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", dump, StringComparison.Ordinal);

        var elements = new List<XElement>();
        byte[] sealedKey;
        await using (var db = new NpgsqlConnection(postgres.ConnectionString))
        {
            await db.OpenAsync();
            await using (var keys = new NpgsqlCommand("SELECT xml FROM condobot.data_protection_keys", db))
            await using (var reader = await keys.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync()) elements.Add(XElement.Parse(reader.GetString(0)));
            }

            await using var select = new NpgsqlCommand("SELECT protected_private_key FROM condobot.user_keys", db);
            sealedKey = (byte[])(await select.ExecuteScalarAsync())!;
        }

        AssertEncrypted(elements);
        AssertUnsealsNothingWithout(new CopiedKeyRing(elements), sealedKey);
        await ChecksTheKeyAsync(settings);
    }

    /// <summary>Key ring elements read out of a dump, offered to Data Protection as its repository.</summary>
    private sealed class CopiedKeyRing(IReadOnlyCollection<XElement> elements) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements() => elements;

        public void StoreElement(XElement element, string friendlyName) => throw new InvalidOperationException("a copy is read only");
    }
}
