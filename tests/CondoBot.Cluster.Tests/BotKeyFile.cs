using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Utilities;

namespace CondoBot.Cluster.Tests;

/// <summary>
/// The bot's delegated key written out as an OpenSSH private key file (mode 0600), for tests that use it by hand with
/// ssh as a thief would. The key is the one the test's own vault issued; nothing is committed.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class BotKeyFile
{
    public static void Write(string path, byte[] seed)
    {
        var encoded = Convert.ToBase64String(OpenSshPrivateKeyUtilities.EncodePrivateKey(new Ed25519PrivateKeyParameters(seed, 0)), Base64FormattingOptions.InsertLineBreaks);
        const string Label = "OPENSSH PRIVATE KEY";
        File.WriteAllText(path, $"-----BEGIN {Label}-----\n" + encoded.Replace("\r\n", "\n", StringComparison.Ordinal) + $"\n-----END {Label}-----\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
