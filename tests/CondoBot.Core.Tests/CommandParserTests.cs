using CondoBot.Core;
using CondoBot.Core.Commands;

namespace CondoBot.Core.Tests;

public class CommandParserTests
{
    public static TheoryData<string, Command> Accepted => new()
    {
        { "", new HelpCommand() },
        { "/condo", new HelpCommand() },
        { "help", new HelpCommand() },
        { "status", new StatusCommand() },
        { "/condo status", new StatusCommand() },
        { "STATUS", new StatusCommand() },
        { "stop", new StopCommand(null) },
        { "stop 123456", new StopCommand(new SlurmJobId(123456)) },
        { "tunnel", new TunnelCommand(null) },
        { "tunnel 42", new TunnelCommand(new SlurmJobId(42)) },
        { "key condouser", new KeyLinkCommand(new ClusterUser("condouser")) },
        { "key check", new KeyCheckCommand() },
        { "key revoke", new KeyRevokeCommand() },
        { "renew", new RenewCommand(null) },
        { "renew 77", new RenewCommand(new SlurmJobId(77)) },
        { "envs", new EnvsCommand(null) },
        { "envs --cluster legacy", new EnvsCommand("legacy") },
        { "envs --cluster=legacy", new EnvsCommand("legacy") },
        { "keep 123456 2h", new KeepCommand(new SlurmJobId(123456), TimeSpan.FromHours(2)) },
        { "keep 42 90", new KeepCommand(new SlurmJobId(42), TimeSpan.FromMinutes(90)) },
        { "keep 42 1:30:00", new KeepCommand(new SlurmJobId(42), TimeSpan.FromMinutes(90)) },
        { "KEEP 42 30m", new KeepCommand(new SlurmJobId(42), TimeSpan.FromMinutes(30)) },
    };

    [Theory]
    [InlineData("start --idle 1:00:00", 3600)]
    [InlineData("start --idle 90", 5400)]
    [InlineData("start --idle=2h", 7200)]
    [InlineData("start --idle 45s", 45)]
    [InlineData("start --idle 1-0", 86400)]
    [InlineData("start --idle off", 0)]
    [InlineData("start --idle OFF", 0)]
    public void Parse_Start_WithIdle_TakesADurationOrOff(string text, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Assert.IsType<StartCommand>(CommandParser.Parse(text).Command).Options.Idle);

    [Fact]
    public void Parse_Start_WithoutIdle_LeavesItToTheCluster() =>
        Assert.Null(Assert.IsType<StartCommand>(CommandParser.Parse("start -t 1:00:00").Command).Options.Idle);

    [Fact]
    public void Parse_Start_WithEnv_NamesTheEnvironment() =>
        Assert.Equal("pytorch", Assert.IsType<StartCommand>(CommandParser.Parse("start --env pytorch -t 1:00:00").Command).Options.Environment);

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Parse_AcceptsEveryCommandForm(string text, Command expected)
    {
        var result = CommandParser.Parse(text);

        Assert.Null(result.Error);
        Assert.Equal(expected, result.Command);
    }

    [Fact]
    public void Parse_Start_WithNoFlags_TakesTheOriginalToolsDefaults()
    {
        var start = Assert.IsType<StartCommand>(CommandParser.Parse("start").Command);

        Assert.Null(start.Options.Account);
        Assert.Null(start.Options.Partition);
        Assert.Equal(1, start.Options.Nodes);
        Assert.Equal(5959, start.Options.LocalPort);
        Assert.False(start.Options.LocalPortChosen);
        Assert.Equal(TimeSpan.FromMinutes(30), start.Options.Walltime.Duration);
        Assert.False(start.Options.Verbose);
    }

    [Fact]
    public void Parse_Start_ReadsEveryFlag()
    {
        var start = Assert.IsType<StartCommand>(
            CommandParser.Parse("/condo start -A cnms -n 2 -p 8888 -t 2:00:00 -v --partition short").Command);

        Assert.Equal("cnms", start.Options.Account);
        Assert.Equal("short", start.Options.Partition);
        Assert.Equal(2, start.Options.Nodes);
        Assert.Equal(8888, start.Options.LocalPort);
        Assert.True(start.Options.LocalPortChosen);
        Assert.Equal(TimeSpan.FromHours(2), start.Options.Walltime.Duration);
        Assert.True(start.Options.Verbose);
    }

    [Fact]
    public void Parse_Start_ReadsTheLifecycleFlags()
    {
        var start = Assert.IsType<StartCommand>(CommandParser.Parse("start --gpus 2 --cluster condo2 --keep-alive").Command);

        Assert.Equal(2, start.Options.Gpus);
        Assert.Equal("condo2", start.Options.Cluster);
        Assert.True(start.Options.KeepAlive);
    }

    [Theory]
    [InlineData("start --account=cnms --nodes=3 --time=90 --partition=debug", "cnms", 3, 90)]
    [InlineData("start --account cnms --port 9000 --time 1-0", "cnms", 1, 1440)]
    public void Parse_Start_AcceptsLongFlags(string text, string account, int nodes, int minutes)
    {
        var start = Assert.IsType<StartCommand>(CommandParser.Parse(text).Command);

        Assert.Equal(account, start.Options.Account);
        Assert.Equal(nodes, start.Options.Nodes);
        Assert.Equal(TimeSpan.FromMinutes(minutes), start.Options.Walltime.Duration);
    }

    [Theory]
    [InlineData("start -x", "Unknown option `-x`", Usage.Start)]
    [InlineData("start cnms", "Unexpected word `cnms`", Usage.Start)]
    [InlineData("start -A", "Option `-A` needs a value", Usage.Start)]
    [InlineData("start -t", "Option `-t` needs a value", Usage.Start)]
    [InlineData("start -t 2h", "`2h` is not a walltime", Usage.Start)]
    [InlineData("start -t 1:60:00", "`1:60:00` is not a walltime", Usage.Start)]
    [InlineData("start -t 0", "`0` is not a walltime", Usage.Start)]
    [InlineData("start -n two", "`two` is not a node count", Usage.Start)]
    [InlineData("start -n 0", "`0` is not a node count", Usage.Start)]
    [InlineData("start -n -1", "`-1` is not a node count", Usage.Start)]
    [InlineData("start -p 80", "`80` is not a port", Usage.Start)]
    [InlineData("start -p 70000", "`70000` is not a port", Usage.Start)]
    [InlineData("start -p 5959x", "`5959x` is not a port", Usage.Start)]
    [InlineData("start -A cnms;rm", "`cnms;rm` is not a Slurm account name", Usage.Start)]
    [InlineData("start -A $(id)", "`$(id)` is not a Slurm account name", Usage.Start)]
    [InlineData("start -A 'cnms'", "`'cnms'` is not a Slurm account name", Usage.Start)]
    [InlineData("start -A -cnms", "`-cnms` is not a Slurm account name", Usage.Start)]
    [InlineData("start --partition a|b", "`a|b` is not a Slurm partition name", Usage.Start)]
    [InlineData("start -v=1", "Unknown option `-v=1`", Usage.Start)]
    [InlineData("start --verbose=yes", "Option `--verbose` takes no value", Usage.Start)]
    [InlineData("start --gpus many", "`many` is not a GPU count", Usage.Start)]
    [InlineData("start --gpus 17", "`17` is not a GPU count", Usage.Start)]
    [InlineData("start --cluster a.b", "`a.b` is not a cluster name", Usage.Start)]
    [InlineData("start --keep-alive=yes", "Option `--keep-alive` takes no value", Usage.Start)]
    [InlineData("renew x", "`x` is not a job id", Usage.Renew)]
    [InlineData("stop abc", "`abc` is not a job id", Usage.Stop)]
    [InlineData("stop 1 2", "Unexpected `2` after `stop`", Usage.Stop)]
    [InlineData("tunnel -5", "`-5` is not a job id", Usage.Tunnel)]
    [InlineData("status now", "Unexpected `now` after `status`", Usage.Status)]
    [InlineData("key", "`key` needs your cluster login", Usage.Key)]
    [InlineData("key Root;", "`Root;` is not a cluster login", Usage.Key)]
    [InlineData("key a b", "Unexpected `b` after `key`", Usage.Key)]
    [InlineData("launch", "Unknown command `launch`", null)]
    [InlineData("start --env py;torch", "`py;torch` is not an environment name", Usage.Start)]
    [InlineData("start --env", "Option `--env` needs a value", Usage.Start)]
    [InlineData("envs pytorch", "Unexpected `pytorch` after `envs`", Usage.Envs)]
    [InlineData("envs --cluster", "Option `--cluster` needs a value", Usage.Envs)]
    [InlineData("envs --cluster a/b", "`a/b` is not a cluster name", Usage.Envs)]
    [InlineData("envs --cluster legacy x", "Unexpected `x` after `envs`", Usage.Envs)]
    [InlineData("start --idle", "Option `--idle` needs a value", Usage.Start)]
    [InlineData("start --idle never", "`never` is not an idle time: use `off`, or a number with s, m, h or d", Usage.Start)]
    [InlineData("start --idle 0", "`0` is not an idle time", Usage.Start)]
    [InlineData("start --idle 0h", "`0h` is not an idle time", Usage.Start)]
    [InlineData("start --idle 9999d", "`9999d` is not an idle time", Usage.Start)]
    [InlineData("start --idle -5m", "`-5m` is not an idle time", Usage.Start)]
    [InlineData("keep", "`keep` needs the job id and how long to keep it, such as `keep 123456 2h`", Usage.Keep)]
    [InlineData("keep 42", "`keep` needs the job id and how long", Usage.Keep)]
    [InlineData("keep x 2h", "`x` is not a job id", Usage.Keep)]
    [InlineData("keep 42 soon", "`soon` is not a duration: use a number with s, m, h or d", Usage.Keep)]
    [InlineData("keep 42 2h more", "Unexpected `more` after `keep`", Usage.Keep)]
    public void Parse_RefusesBadInput_NamingWhatWasWrongAndTheAcceptedForm(string text, string error, string? form)
    {
        var result = CommandParser.Parse(text);

        Assert.Null(result.Command);
        Assert.Contains(error, result.Error, StringComparison.Ordinal);
        Assert.Contains(form ?? "start", result.UsageReply, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("start -A cnms\0")]
    [InlineData("start -A \u001b[31m")]
    public void Parse_RefusesControlCharacters(string text)
    {
        Assert.Null(CommandParser.Parse(text).Command);
    }

    [Fact]
    public void Parse_RefusesOverlongText()
    {
        var result = CommandParser.Parse("start -A " + new string('a', 600));

        Assert.Null(result.Command);
        Assert.Contains("the most accepted is 500", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EchoesUserTextWithoutBackticks_SoChatFormattingCannotBeBroken()
    {
        var result = CommandParser.Parse("start -A `x`");

        Assert.DoesNotContain("``", result.Error, StringComparison.Ordinal);
        Assert.Contains("'x'", result.Error, StringComparison.Ordinal);
    }
}
