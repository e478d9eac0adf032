using System.Text;
using CondoBot.Slack.Inbound;

namespace CondoBot.Slack.Tests;

/// <summary>The v0 signature on Slack's own worked example, and the five-minute window in both directions.</summary>
public sealed class SlackSignatureTests
{
    // The example in Slack's "Verifying requests from Slack".
    private const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";
    private const string Timestamp = "1531420618";
    private const string Signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
    private const string Body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";

    private static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeSeconds(1531420618);

    private static SignatureCheck Verify(string? timestamp = Timestamp, string? signature = Signature, string body = Body, string secret = Secret, int secondsLater = 10) =>
        SlackSignature.Verify(secret, timestamp, signature, Encoding.UTF8.GetBytes(body), SignedAt.AddSeconds(secondsLater));

    [Fact]
    public void SlacksWorkedExample_ComputesToTheDocumentedSignature_AndVerifies()
    {
        Assert.Equal(Signature, "v0=" + Convert.ToHexStringLower(SlackSignature.Compute(Secret, Timestamp, Encoding.UTF8.GetBytes(Body))));
        Assert.Equal(SignatureCheck.Valid, Verify());
    }

    [Theory]
    [InlineData(-300, SignatureCheck.Valid)]
    [InlineData(300, SignatureCheck.Valid)]
    [InlineData(301, SignatureCheck.OutOfWindow)]
    [InlineData(-301, SignatureCheck.OutOfWindow)]
    [InlineData(86_400, SignatureCheck.OutOfWindow)]
    public void ATimestampMoreThanFiveMinutesFromNowEitherWay_IsRefused(int secondsLater, SignatureCheck expected) =>
        Assert.Equal(expected, Verify(secondsLater: secondsLater));

    [Fact]
    public void AnotherSecret_ATamperedBody_OrAnotherTimestamp_DoNotVerify()
    {
        Assert.Equal(SignatureCheck.Mismatch, Verify(secret: "8f742231b10e8888abcd99yyyzzz85a6"));
        Assert.Equal(SignatureCheck.Mismatch, Verify(body: Body.Replace("text=", "text=start", StringComparison.Ordinal)));
        Assert.Equal(SignatureCheck.Mismatch, Verify(timestamp: "1531420619"));
        Assert.Equal(SignatureCheck.Mismatch, Verify(signature: Signature.ToUpperInvariant().Replace("V0=", "v0=", StringComparison.Ordinal)[..^1] + "4"));
    }

    [Theory]
    [InlineData(null, Signature, SignatureCheck.MissingHeaders)]
    [InlineData(Timestamp, null, SignatureCheck.MissingHeaders)]
    [InlineData("", Signature, SignatureCheck.MissingHeaders)]
    [InlineData("1531420618.5", Signature, SignatureCheck.Malformed)]
    [InlineData("-1531420618", Signature, SignatureCheck.Malformed)]
    [InlineData("999999999999", Signature, SignatureCheck.OutOfWindow)]
    [InlineData("253402300800", Signature, SignatureCheck.OutOfWindow)]
    [InlineData("9999999999999", Signature, SignatureCheck.Malformed)]
    [InlineData(Timestamp, "a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", SignatureCheck.Malformed)]
    [InlineData(Timestamp, "v0=a2114d57", SignatureCheck.Malformed)]
    [InlineData(Timestamp, "v0=zz114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", SignatureCheck.Malformed)]
    public void MissingOrMalformedHeaders_AreRefused(string? timestamp, string? signature, SignatureCheck expected) =>
        Assert.Equal(expected, Verify(timestamp, signature));
}
