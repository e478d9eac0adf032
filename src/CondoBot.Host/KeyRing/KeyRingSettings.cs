namespace CondoBot.Host.KeyRing;

/// <summary>
/// <c>DataProtection__...</c>: the X.509 certificate that encrypts the Data Protection key ring at rest. Without it the
/// key ring (in the data folder, or in the database with PostgreSQL) is stored as it is, and anyone holding a copy of
/// it and of the sealed keys can unseal every user's private key.
/// </summary>
public sealed class KeyRingSettings
{
    public const string Section = "DataProtection";

    /// <summary>A PKCS #12 (.pfx) file with an RSA certificate and its private key; new keys are encrypted to it.</summary>
    public string CertificatePath { get; set; } = "";

    /// <summary>The password of the PFX files (a secret).</summary>
    public string CertificatePassword { get; set; } = "";

    /// <summary>
    /// Certificates the key ring was encrypted to before a rotation, comma-separated (or a list): they only decrypt.
    /// Opened with the same password.
    /// </summary>
    public string PreviousCertificatePaths { get; set; } = "";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(CertificatePath);

    public IReadOnlyList<string> Previous =>
        PreviousCertificatePaths.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
