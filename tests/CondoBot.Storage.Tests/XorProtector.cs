using CondoBot.Core.Notices;

namespace CondoBot.Storage.Tests;

/// <summary>Stands in for Data Protection: reversible, and enough to hide text from a byte search.</summary>
internal sealed class XorProtector : ISecretProtector
{
    /// <summary>Makes sealing fail, as when the key ring cannot be read.</summary>
    public bool Broken { get; set; }

    public byte[] Protect(byte[] plaintext) =>
        Broken ? throw new InvalidOperationException("The key ring is unavailable.") : Xor(plaintext);

    public byte[] Unprotect(byte[] sealedBytes) => Xor(sealedBytes);

    private static byte[] Xor(byte[] bytes) => [.. bytes.Select(b => (byte)(b ^ 0x5A))];
}
