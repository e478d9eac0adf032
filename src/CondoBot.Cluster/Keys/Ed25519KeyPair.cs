using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;

namespace CondoBot.Cluster.Keys;

/// <summary>
/// An ed25519 key pair kept as its 32-byte seed: SSH.NET logs in from the seed directly, so no private key text
/// format (and none of their pitfalls) is involved.
/// </summary>
internal sealed class Ed25519KeyPair
{
    private Ed25519KeyPair(byte[] seed)
    {
        Seed = seed;
        PublicKey = new Ed25519PrivateKeyParameters(seed, 0).GeneratePublicKey().GetEncoded();
    }

    public byte[] Seed { get; }

    public byte[] PublicKey { get; }

    public static Ed25519KeyPair Generate() => new(RandomNumberGenerator.GetBytes(32));

    public static Ed25519KeyPair FromSeed(byte[] seed) =>
        seed.Length == 32 ? new Ed25519KeyPair(seed) : throw new ArgumentException("An ed25519 seed is 32 bytes.", nameof(seed));

    /// <summary>The <c>authorized_keys</c> form: <c>ssh-ed25519 BASE64 COMMENT</c>.</summary>
    public string PublicKeyLine(string comment) => $"ssh-ed25519 {Convert.ToBase64String(PublicKeyBlob())} {comment}";

    /// <summary>The SSH wire encoding (RFC 8709): string "ssh-ed25519", then string of the 32 key bytes.</summary>
    private byte[] PublicKeyBlob()
    {
        var name = Encoding.ASCII.GetBytes("ssh-ed25519");
        var blob = new byte[4 + name.Length + 4 + PublicKey.Length];
        BinaryPrimitives.WriteInt32BigEndian(blob, name.Length);
        name.CopyTo(blob, 4);
        BinaryPrimitives.WriteInt32BigEndian(blob.AsSpan(4 + name.Length), PublicKey.Length);
        PublicKey.CopyTo(blob, 8 + name.Length);
        return blob;
    }
}
