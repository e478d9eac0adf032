using CondoBot.Core.Commands;

namespace CondoBot.Core.Tests;

/// <summary>Which texts a front door may answer again on a repeated delivery instead of recording them first.</summary>
public class ChangesNothingTests
{
    [Theory]
    [InlineData("")]
    [InlineData("help")]
    [InlineData("status")]
    [InlineData("/condo STATUS")]
    [InlineData("start -t banana")]
    [InlineData("frobnicate")]
    public void Help_Status_AndRefusedText_ChangeNothing(string text) => Assert.True(CommandParser.Parse(text).ChangesNothing);

    [Theory]
    [InlineData("start")]
    [InlineData("start -A cnms -t 2:00:00")]
    [InlineData("stop")]
    [InlineData("stop 123")]
    [InlineData("tunnel")]
    [InlineData("renew 77")]
    [InlineData("key condouser")]
    [InlineData("key check")]
    [InlineData("key revoke")]
    public void EveryOtherCommand_ChangesSomething(string text) => Assert.False(CommandParser.Parse(text).ChangesNothing);
}
