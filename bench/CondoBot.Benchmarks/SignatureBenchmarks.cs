using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using CondoBot.Slack.Inbound;

namespace CondoBot.Benchmarks;

/// <summary>Slack's v0 signature check on a typical slash command body (about 400 bytes), valid and tampered.</summary>
[MemoryDiagnoser]
public class SignatureBenchmarks
{
    private const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";
    private readonly byte[] _body = Encoding.UTF8.GetBytes(
        "token=unused&team_id=T0TEAM1&team_domain=condo&channel_id=C0CONDO&channel_name=condo&user_id=U0ALICE&user_name=alice" +
        "&command=%2Fcondo&text=start+-A+cnms+-t+2%3A00%3A00&api_app_id=A0CONDO&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT0TEAM1%2F1%2Fabc" +
        "&trigger_id=13345224609.738474920.8088930838d88f008e0");
    private DateTimeOffset _now;
    private string _timestamp = "";
    private string _signature = "";
    private string _tampered = "";

    [GlobalSetup]
    public void Setup()
    {
        _now = DateTimeOffset.UtcNow;
        _timestamp = _now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        _signature = "v0=" + Convert.ToHexStringLower(SlackSignature.Compute(Secret, _timestamp, _body));
        _tampered = _signature[..^1] + (_signature[^1] == '0' ? '1' : '0');
    }

    [Benchmark]
    public SignatureCheck Valid() => SlackSignature.Verify(Secret, _timestamp, _signature, _body, _now);

    [Benchmark]
    public SignatureCheck Tampered() => SlackSignature.Verify(Secret, _timestamp, _tampered, _body, _now);
}
