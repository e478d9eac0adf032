using CondoBot.Host.KeyRing;
using CondoBot.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionOptions = CondoBot.Core.Sessions.SessionOptions;

namespace CondoBot.Host.Tests;

/// <summary>Lists written the way the environment writes them (<c>KEY__0</c>, <c>KEY__1</c>, ...) are read, not ignored.</summary>
public sealed class SettingsListFormTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("condobot-lists-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private ServiceProvider Services(Dictionary<string, string?> settings)
    {
        settings["Storage:DataDirectory"] = _data;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddCondoBot(configuration).BuildServiceProvider();
    }

    [Fact]
    public void TheReminderList_InTheEnvironmentsListForm_ReplacesTheCommaForm()
    {
        using var services = Services(new()
        {
            ["Sessions:RemindBefore"] = "00:15:00,00:05:00",
            ["Sessions:RemindBefore:0"] = "00:02:00",
            ["Sessions:RemindBefore:1"] = "00:20:00",
        });

        var reminders = services.GetRequiredService<IOptions<SessionOptions>>().Value.Reminders;

        Assert.Equal([TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(2)], reminders);
    }

    [Fact]
    public void PreviousKeyRingCertificates_InTheListForm_AreEachRead()
    {
        var current = TestCertificate.WritePfx(_data, "list-form-password", "current");
        var older = TestCertificate.WritePfx(_data, "list-form-password", "older");
        var oldest = TestCertificate.WritePfx(_data, "list-form-password", "oldest");
        using var services = Services(new()
        {
            ["DataProtection:CertificatePath"] = current,
            ["DataProtection:CertificatePassword"] = "list-form-password",
            ["DataProtection:PreviousCertificatePaths:0"] = older,
            ["DataProtection:PreviousCertificatePaths:1"] = oldest,
        });

        Assert.Equal([older, oldest], services.GetRequiredService<IOptions<KeyRingSettings>>().Value.Previous);
    }
}
