using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CondoBot.Host.KeyRing;

/// <summary>Opens the key ring's certificates.</summary>
public static class KeyRingCertificates
{
    /// <summary>Opens a PFX file as the key ring needs it (an RSA key pair), or says what is wrong with it.</summary>
    public static X509Certificate2? Load(string path, string password, out string problem)
    {
        problem = "";
        if (!File.Exists(path))
        {
            problem = $"'{path}' does not exist (or the service's user cannot see it).";
            return null;
        }

        X509Certificate2 certificate;
        try
        {
            // Ephemeral: the private key stays in memory, never in a key store on disk (the root file system may be read-only).
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException ex)
        {
            problem = $"'{path}' cannot be opened as a PFX file with DataProtection__CertificatePassword ({ex.Message}).";
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            problem = $"'{path}' cannot be read by the service's user.";
            return null;
        }

        using var rsa = certificate.GetRSAPrivateKey();
        if (rsa is null)
        {
            certificate.Dispose();
            problem = $"'{path}' holds no RSA private key; the key ring needs an RSA certificate with its key (see the README's openssl line).";
            return null;
        }

        return certificate;
    }
}
