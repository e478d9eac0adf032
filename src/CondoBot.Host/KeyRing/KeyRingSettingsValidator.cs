using Microsoft.Extensions.Options;

namespace CondoBot.Host.KeyRing;

/// <summary>
/// The certificate files must open; and with PostgreSQL, where the key ring sits in the same database as the sealed
/// keys (so one dump holds both), a certificate is required.
/// </summary>
public sealed class KeyRingSettingsValidator(IOptions<StorageOptions> storage) : IValidateOptions<KeyRingSettings>
{
    public ValidateOptionsResult Validate(string? name, KeyRingSettings options)
    {
        var failures = new List<string>();
        if (!options.IsConfigured)
        {
            if (storage.Value.IsPostgres)
            {
                failures.Add("Storage__Provider is Postgres, so DataProtection__CertificatePath must name a PFX file (with DataProtection__CertificatePassword): "
                    + "the key ring shares the database with the sealed keys, and a dump of it would unseal every user's key. The README's 'Key ring' section has the openssl line that makes one.");
            }

            if (options.Previous.Count > 0) failures.Add("DataProtection__PreviousCertificatePaths is set, so DataProtection__CertificatePath must be too (the certificate new keys are encrypted to).");
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }

        using (var current = KeyRingCertificates.Load(options.CertificatePath.Trim(), options.CertificatePassword, out var problem))
        {
            if (current is null) failures.Add("DataProtection__CertificatePath: " + problem);
        }

        foreach (var path in options.Previous)
        {
            using var previous = KeyRingCertificates.Load(path, options.CertificatePassword, out var problem);
            if (previous is null) failures.Add("DataProtection__PreviousCertificatePaths: " + problem);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
