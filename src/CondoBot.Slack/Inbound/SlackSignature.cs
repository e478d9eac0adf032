using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CondoBot.Slack.Inbound;

/// <summary>
/// Slack's v0 request signature: <c>v0=</c> + hex HMAC-SHA256(signing secret, <c>v0:TIMESTAMP:BODY</c>), computed on
/// the raw body bytes. Requests more than five minutes from now either way are refused, so a captured request cannot
/// be replayed later.
/// </summary>
public static class SlackSignature
{
    public static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(5);

    public static SignatureCheck Verify(string secret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature)) return SignatureCheck.MissingHeaders;
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || timestamp.Length > 12)
        {
            return SignatureCheck.Malformed;
        }

        // Compared as numbers: a timestamp past the calendar's end (year 9999) must be refused, not thrown on.
        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > (long)MaxSkew.TotalSeconds) return SignatureCheck.OutOfWindow;

        if (!signature.StartsWith("v0=", StringComparison.Ordinal) || signature.Length != 3 + 64) return SignatureCheck.Malformed;
        byte[] given;
        try
        {
            given = Convert.FromHexString(signature.AsSpan(3));
        }
        catch (FormatException)
        {
            return SignatureCheck.Malformed;
        }

        return CryptographicOperations.FixedTimeEquals(given, Compute(secret, timestamp, body))
            ? SignatureCheck.Valid
            : SignatureCheck.Mismatch;
    }

    /// <summary>The HMAC bytes Slack signs with (hex-encode them with a <c>v0=</c> prefix for the header).</summary>
    public static byte[] Compute(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.ASCII.GetBytes("v0:" + timestamp + ":"));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}

public enum SignatureCheck
{
    Valid,
    MissingHeaders,
    Malformed,
    /// <summary>The timestamp is more than <see cref="SlackSignature.MaxSkew"/> in the past or the future.</summary>
    OutOfWindow,
    Mismatch,
}
