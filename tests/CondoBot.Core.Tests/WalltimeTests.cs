using CondoBot.Core.Commands;

namespace CondoBot.Core.Tests;

public class WalltimeTests
{
    [Theory]
    [InlineData("30", "00:30:00")]
    [InlineData("90", "01:30:00")]
    [InlineData("30:15", "00:30:15")]
    [InlineData("2:00:00", "02:00:00")]
    [InlineData("0:30:00", "00:30:00")]
    [InlineData("48:00:00", "2-00:00:00")]
    [InlineData("1-12", "1-12:00:00")]
    [InlineData("1-12:30", "1-12:30:00")]
    [InlineData("1-12:30:05", "1-12:30:05")]
    [InlineData("0-0:01", "00:01:00")]
    public void Parse_ReadsEverySlurmForm_AndWritesItCanonically(string text, string slurm)
    {
        var walltime = Walltime.Parse(text);

        Assert.NotNull(walltime);
        Assert.Equal(slurm, walltime.Value.ToSlurm());
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("0:00:00")]
    [InlineData("-1")]
    [InlineData("1-")]
    [InlineData("-12")]
    [InlineData("1-24")]
    [InlineData("1:2:3:4")]
    [InlineData("10:60")]
    [InlineData("1:00:60")]
    [InlineData("1.5")]
    [InlineData("٣٠")]
    [InlineData("1 h")]
    [InlineData("366-00")]
    [InlineData("99999999")]
    public void Parse_RefusesWhatSlurmWouldNotAccept(string text)
    {
        Assert.Null(Walltime.Parse(text));
    }
}
