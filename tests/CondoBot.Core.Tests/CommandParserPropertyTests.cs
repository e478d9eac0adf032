using System.Text.RegularExpressions;
using CondoBot.Core.Commands;
using CsCheck;

namespace CondoBot.Core.Tests;

/// <summary>Thousands of random and adversarial texts: the parser never throws, and nothing unsafe becomes a command.</summary>
public partial class CommandParserPropertyTests
{
    private static readonly string[] Words =
    [
        "start", "stop", "status", "tunnel", "renew", "key", "help", "check", "revoke", "/condo",
        "-A", "-n", "-p", "-t", "-v", "--partition", "--gpus", "--cluster", "--keep-alive", "--account=", "--time=",
        "cnms", "birthright", "debug", "2:00:00", "30", "1-12", "5959", "2", "condouser", "42",
    ];

    private static readonly string[] Hostile =
    [
        ";", "&&", "|", "$(id)", "`id`", "'", "\"", "\n", "\r", "\0", "\\", "$HOME", "${IFS}", ">", "<", "*", "~",
        "ｃｎｍｓ", "с", "\u200b", "\u202e", "-rf", "--", new string('a', 70), "%0a", "\t",
    ];

    private static readonly Gen<string> AdversarialText =
        Gen.OneOf(Gen.OneOf(Words), Gen.OneOf(Hostile), Gen.String[0, 12])
            .Array[1, 12]
            .SelectMany(parts => Gen.Bool.Array[parts.Length].Select(glue => string.Concat(parts.Select((p, i) => glue[i] ? p : p + " "))));

    [Fact]
    public void Parse_NeverThrows_OnAnyText()
    {
        Gen.String.Sample(text => { CommandParser.Parse(text); }, iter: 5000);
        Gen.Char.Array[0, 600].Select(c => new string(c)).Sample(text => { CommandParser.Parse(text); }, iter: 2000);
    }

    [Fact]
    public void Parse_OnAdversarialText_EitherRefusesOrYieldsOnlySafeValues()
    {
        AdversarialText.Sample(text =>
        {
            var result = CommandParser.Parse(text);
            if (result.Command is null)
            {
                Assert.False(string.IsNullOrEmpty(result.Error));
                Assert.False(string.IsNullOrEmpty(result.AcceptedForm));
                return;
            }

            AssertSafe(result.Command);
        }, iter: 20000);
    }

    [Fact]
    public void Parse_TextWithShellMetacharactersInAValue_NeverStartsAJob()
    {
        var flag = Gen.OneOf("-A", "-t", "-n", "-p", "--partition", "--gpus", "--cluster");
        var value = Gen.Select(Gen.OneOf(Words), Gen.OneOf(";", "&", "|", "$(", "`", "'", "\"", "\\", ">", "<"), Gen.OneOf(Words))
            .Select((a, bad, b) => a + bad + b);
        Gen.Select(flag, value).Sample((f, v) =>
        {
            var result = CommandParser.Parse($"start {f} {v}");
            Assert.IsNotType<StartCommand>(result.Command);
        }, iter: 5000);
    }

    private static void AssertSafe(Command command)
    {
        switch (command)
        {
            case StartCommand { Options: var o }:
                if (o.Account is not null) Assert.Matches(SlurmName(), o.Account);
                if (o.Partition is not null) Assert.Matches(SlurmName(), o.Partition);
                if (o.Cluster is not null) Assert.Matches(ClusterName(), o.Cluster);
                Assert.InRange(o.Nodes, 1, 64);
                Assert.InRange(o.LocalPort, 1024, 65535);
                Assert.InRange(o.Gpus, 0, 16);
                Assert.InRange(o.Walltime.Duration, TimeSpan.FromSeconds(1), Walltime.Longest);
                Assert.Matches(WalltimeForm(), o.Walltime.ToSlurm());
                break;
            case KeyLinkCommand k:
                Assert.Matches(LoginName(), k.User.Value);
                break;
            case StopCommand { JobId: { } id }:
                Assert.True(id.Value > 0);
                break;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex SlurmName();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex ClusterName();

    [GeneratedRegex("^[a-z_][a-z0-9_-]{0,31}$")]
    private static partial Regex LoginName();

    [GeneratedRegex(@"^(\d+-)?\d{2}:\d{2}:\d{2}$")]
    private static partial Regex WalltimeForm();
}
