using CondoBot.Core.Notices;
using Microsoft.AspNetCore.DataProtection;

namespace CondoBot.Cluster.Keys;

/// <summary>Seals queued messages (which may carry JupyterLab tokens) with the same key ring as the delegated keys.</summary>
public sealed class DataProtectionSecretProtector(IDataProtectionProvider protection) : ISecretProtector
{
    private readonly IDataProtector _protector = protection.CreateProtector("CondoBot.Outbox.v1");

    public byte[] Protect(byte[] plaintext) => _protector.Protect(plaintext);

    public byte[] Unprotect(byte[] sealedBytes) => _protector.Unprotect(sealedBytes);
}
