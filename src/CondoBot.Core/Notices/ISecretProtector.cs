namespace CondoBot.Core.Notices;

/// <summary>Seals secrets kept at rest (queued messages that carry a JupyterLab token). Implemented with Data Protection.</summary>
public interface ISecretProtector
{
    byte[] Protect(byte[] plaintext);

    byte[] Unprotect(byte[] sealedBytes);
}
