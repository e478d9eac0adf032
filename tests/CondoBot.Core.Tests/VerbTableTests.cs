using System.Text.RegularExpressions;
using CondoBot.Core.Audit;
using CondoBot.Core.Commands;
using CondoBot.Core.Handling;
using CondoBot.Core.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace CondoBot.Core.Tests;

/// <summary>The parser's table of verbs is the one place a verb is declared: help, replies and the dispatcher follow it.</summary>
public class VerbTableTests
{
    public static TheoryData<string> Names => [.. Verbs.All.Select(v => v.Name)];

    /// <summary>Every form of every verb in the table, as help lists them.</summary>
    public static TheoryData<string> Forms => [.. Verbs.All.SelectMany(v => v.Help).Select(h => h.Form)];

    /// <summary>What to type for each placeholder in the table's forms. A new placeholder needs a sample here.</summary>
    private static readonly Dictionary<string, string> Samples = new(StringComparer.Ordinal)
    {
        ["JOBID"] = "123456",
        ["UID"] = "condouser",
        ["DURATION"] = "2h",
        ["NAME"] = "local",
        ["N"] = "1",
    };

    /// <summary>A form as someone would type it: optional parts left out, placeholders filled in.</summary>
    private static string Example(string form) => string.Join(' ',
        Regex.Replace(form, @"\[[^\]]*\]", " ").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(word =>
            word.All(char.IsAsciiLetterUpper)
                ? Samples.TryGetValue(word, out var sample) ? sample : throw new KeyNotFoundException($"No sample for placeholder {word} in `{form}`.")
                : word));

    private static IEnumerable<Type> Sorted(IEnumerable<Type> types) => types.Distinct().OrderBy(t => t.Name, StringComparer.Ordinal);

    [Fact]
    public void Help_ListsEveryFormOfEveryVerb_WithWhatItDoes()
    {
        var help = CommandParser.Parse("help");
        var lines = Usage.Full.Split('\n');

        Assert.IsType<HelpCommand>(help.Command);
        foreach (var (form, says) in Verbs.All.SelectMany(v => v.Help))
        {
            var at = Array.FindIndex(lines, l => l.TrimStart().StartsWith(form, StringComparison.Ordinal));
            Assert.True(at >= 0, $"help has no line for `{form}`");
            Assert.Contains(says, lines[at] + lines[Math.Min(at + 1, lines.Length - 1)], StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task EveryFormInTheTable_ParsesToACommand_ThatTheDispatcherHandsToItsHandler(string form)
    {
        var text = Example(form);
        var parsed = CommandParser.Parse(text);

        Assert.True(parsed.Command is not null, $"`{text}` was refused: {parsed.Error}");
        var reply = await new CoreRig().SayAsync(CoreRig.Alice, text);
        Assert.False(string.IsNullOrWhiteSpace(reply));
    }

    [Fact]
    public void EveryCommandType_IsWhatSomeFormInTheTableParsesTo_AndHasExactlyOneHandler()
    {
        var declared = typeof(Command).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Command)) && !t.IsAbstract);
        var parsed = Verbs.All.SelectMany(v => v.Help).Select(h => CommandParser.Parse(Example(h.Form)).Command?.GetType()).OfType<Type>();
        var handled = new ServiceCollection().AddCommandHandlers()
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(ICommandHandler<>))
            .Select(d => d.ServiceType.GetGenericArguments()[0]).ToList();

        Assert.Equal(Sorted(declared), Sorted(parsed));
        Assert.Equal(Sorted(declared), handled.OrderBy(t => t.Name, StringComparer.Ordinal));
    }

    [Fact]
    public void AnUnknownVerb_IsAnsweredWithEveryVerbsName()
    {
        var result = CommandParser.Parse("frobnicate");

        Assert.Null(result.Command);
        Assert.Equal("Unknown command `frobnicate`. Commands: start, stop, status, tunnel, renew, keep, envs, key, help.", result.Error);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryVerbsUsage_IsWhatItsParseErrorsQuote(string name)
    {
        var refused = CommandParser.Parse(name + " 1 2 3");

        Assert.Equal(Usage.For(name), Verbs.Find(name)!.Usage);
        if (refused.Command is null) Assert.Equal(Verbs.Find(name)!.Usage, refused.AcceptedForm);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ARefusedCommand_IsAuditedUnderItsVerb(string name) =>
        Assert.Equal(name, AuditText.RefusedVerb(name.ToUpperInvariant() + " --frobnicate"));

    [Theory]
    [InlineData("start", "start")]
    [InlineData("renew 77", "renew")]
    [InlineData("key condouser", "key link")]
    [InlineData("key check", "key check")]
    [InlineData("key revoke", "key revoke")]
    public void TheAuditTrailsVerb_IsTheCommandsNameInWords(string text, string verb) =>
        Assert.Equal(verb, AuditText.Verb(CommandParser.Parse(text).Command!));

    [Theory]
    [InlineData("stop 12", "stop 12")]
    [InlineData("tunnel 13", "tunnel 13")]
    [InlineData("renew 14", "renew 14")]
    [InlineData("tunnel", "tunnel")]
    public void ACommandAboutAJob_IsAuditedWithItsJobId(string text, string described) =>
        Assert.Equal(described, AuditText.Describe(CommandParser.Parse(text).Command!));

    [Theory]
    [InlineData("start -A cnms")]
    [InlineData("stop")]
    [InlineData("status")]
    [InlineData("tunnel")]
    [InlineData("renew")]
    [InlineData("key condouser")]
    [InlineData("key check")]
    [InlineData("key revoke")]
    [InlineData("help")]
    public async Task EveryParsedCommand_ReachesAHandler_ThroughTheHostsRegistration(string text)
    {
        var rig = new CoreRig();

        var reply = await rig.SayAsync(CoreRig.Alice, text);

        Assert.False(string.IsNullOrWhiteSpace(reply));
    }
}
