using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace CondoBot.Host.KeyRing;

/// <summary>Encrypts the Data Protection key ring with the configured certificate (<c>DataProtection__...</c>).</summary>
public static partial class KeyRingServices
{
    public static IServiceCollection AddKeyRingProtection(this IDataProtectionBuilder protection, IConfiguration configuration, string keyRingPlace)
    {
        var services = protection.Services;
        services.AddOptions<KeyRingSettings>().Bind(configuration.GetSection(KeyRingSettings.Section)).ValidateOnStart();
        services.PostConfigure<KeyRingSettings>(o => ReadList(configuration, o));
        services.AddSingleton<IValidateOptions<KeyRingSettings>, KeyRingSettingsValidator>();

        // Loaded here, as Data Protection takes the certificates themselves. A file that does not open is left out: the
        // validator names it at start-up and the service stops before anything is sealed.
        var settings = configuration.GetSection(KeyRingSettings.Section).Get<KeyRingSettings>() ?? new KeyRingSettings();
        ReadList(configuration, settings);
        if (settings.IsConfigured && KeyRingCertificates.Load(settings.CertificatePath.Trim(), settings.CertificatePassword, out _) is { } current)
        {
            var all = new List<X509Certificate2> { current };
            foreach (var path in settings.Previous)
            {
                if (KeyRingCertificates.Load(path, settings.CertificatePassword, out _) is { } previous) all.Add(previous);
            }

            protection.ProtectKeysWithCertificate(current).UnprotectKeysWithAnyCertificate([.. all]);
        }

        services.AddHostedService(sp => new KeyRingNotice(sp.GetRequiredService<IOptions<KeyRingSettings>>(), keyRingPlace, sp.GetRequiredService<ILogger<KeyRingNotice>>()));
        return services;
    }

    /// <summary>The list form (<c>DataProtection__PreviousCertificatePaths__0</c>, ...) replaces the comma form.</summary>
    private static void ReadList(IConfiguration configuration, KeyRingSettings settings)
    {
        var items = configuration.GetSection("DataProtection:PreviousCertificatePaths").GetChildren().ToList();
        if (items.Count > 0) settings.PreviousCertificatePaths = string.Join(",", items.Select(i => i.Value ?? ""));
    }

    /// <summary>Says once, at start, what an unencrypted key ring means.</summary>
    internal sealed partial class KeyRingNotice(IOptions<KeyRingSettings> settings, string place, ILogger<KeyRingNotice> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (settings.Value.IsConfigured) LogProtected(place);
            else LogUnprotected(place);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Warning, Message = "The key ring in {Place} is not encrypted: anyone who can read it (or a copy or backup of it) together with the database can unseal every user's private key. Set DataProtection__CertificatePath and DataProtection__CertificatePassword to encrypt it.")]
        private partial void LogUnprotected(string place);

        [LoggerMessage(Level = LogLevel.Information, Message = "The key ring in {Place} is encrypted with the DataProtection__CertificatePath certificate")]
        private partial void LogProtected(string place);
    }
}
