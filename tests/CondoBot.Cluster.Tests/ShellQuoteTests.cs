using CondoBot.Cluster.Ssh;
using CondoBot.Testing;

namespace CondoBot.Cluster.Tests;

/// <summary>Quoting is checked by a real shell: whatever goes in must come out of bash as one unchanged argument.</summary>
public class ShellQuoteTests
{
    public static TheoryData<string> Hostile => new()
    {
        "plain", "", "two words", "it's", "'", "''", "\"", "$(id)", "`id`", "${HOME}", "$HOME", "a;b", "a && b", "a|b",
        "a\nb", "a\rb", "\\", "-rf", "--help", "*", "?", "[a]", "~", "!!", "#comment", "a'b'c", "é", "ｃｎｍｓ", "\t",
        new string('x', 4000),
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Quote_SurvivesARealShell_AsOneUnchangedArgument(string value)
    {
        var printed = LocalCluster.Run("bash", ["-c", "printf '%s' " + ShellQuote.Quote(value) + " | od -v -An -tx1 | tr -d ' \\n'"], stdin: null);

        Assert.Equal(Convert.ToHexStringLower(System.Text.Encoding.UTF8.GetBytes(value)), printed);
    }

    [Fact]
    public void Quote_RefusesNul_WhichNoShellArgumentCanHold()
    {
        Assert.Throws<ArgumentException>(() => ShellQuote.Quote("a\0b"));
    }

    [Fact]
    public void Join_KeepsArgumentsApart()
    {
        Assert.Equal("scancel 42 'a b'", ShellQuote.Join(["scancel", "42", "a b"]));
    }
}
