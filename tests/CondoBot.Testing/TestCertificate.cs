using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CondoBot.Testing;

/// <summary>A fresh self-signed RSA certificate in a PFX file, as the README's openssl line makes one for the key ring.</summary>
public static class TestCertificate
{
    public static string WritePfx(string folder, string password, string name = "keyring")
    {
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest($"CN=CondoBot key ring ({name})", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(folder, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }
}
