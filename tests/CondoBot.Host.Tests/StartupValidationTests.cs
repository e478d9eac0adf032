using CondoBot.Testing;

namespace CondoBot.Host.Tests;

public sealed class StartupValidationTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("condobot-config-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Theory]
    [InlineData("Clusters__local__HostKeySha256", "", "Clusters__local__HostKeySha256")]
    [InlineData("Clusters__local__HostKeySha256", "md5:ab:cd", "HostKeySha256 must look like SHA256:")]
    [InlineData("Clusters__local__LoginPort", "70000", "Clusters__local__LoginPort")]
    [InlineData("Clusters__local__DefaultAccount", "cnms;rm", "DefaultAccount must be a Slurm account name")]
    [InlineData("Clusters__local__BotAddress", "10.0.0.1\" ,command=\"x", "BotAddress must be a host or address pattern list")]
    [InlineData("Clusters__Default", "elsewhere", "Clusters__Default is 'elsewhere', which is not a configured cluster; it names one of: local.")]
    [InlineData("Sessions__PollInterval", "00:00:00", "PollInterval")]
    [InlineData("LoginNode__ChannelsPerConnection", "0", "ChannelsPerConnection")]
    [InlineData("Storage__Provider", "Postgres", "ConnectionStrings__CondoBot must be set")]
    [InlineData("Storage__Provider", "Mongo", "Storage__Provider must be Sqlite or Postgres")]
    [InlineData("Audit__MaxAge", "00:10:00", "Audit__MaxAge must be between 1 day and 3650 days")]
    [InlineData("Logging__Format", "yaml", "Logging__Format must be simple or json")]
    [InlineData("Storage__SqliteDurability", "Sometimes", "Storage__SqliteDurability must be Full or Normal")]
    [InlineData("Storage__SqliteDurability", "1", "Storage__SqliteDurability must be Full or Normal")]
    public void AMissingOrMalformedSetting_StopsTheService_WithAMessageNamingIt(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string>
        {
            ["Clusters__local__HostKeySha256"] = "SHA256:" + new string('A', 43),
            ["Clusters__local__LoginHost"] = "127.0.0.1",
            ["Storage__DataDirectory"] = _data,
            [key] = value,
        };
        using var bot = BotProcess.Start(settings, "console");
        bot.CloseInput();

        Assert.True(bot.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.NotEqual(0, bot.ExitCode);
        Assert.Contains(expected, bot.Stderr + bot.Stdout, StringComparison.Ordinal);
    }

    private static readonly string Fingerprint = "SHA256:" + new string('A', 43);

    [Fact]
    public void SeveralClusters_WithoutADefault_StopTheService_AskingForClustersDefault()
    {
        var settings = new Dictionary<string, string>
        {
            ["Clusters__alpha__LoginHost"] = "alpha.example.org",
            ["Clusters__alpha__HostKeySha256"] = Fingerprint,
            ["Clusters__zeta__LoginHost"] = "127.0.0.1",
            ["Clusters__zeta__HostKeySha256"] = Fingerprint,
            ["Storage__DataDirectory"] = _data,
        };
        using var bot = BotProcess.Start(settings, "console");
        bot.CloseInput();

        Assert.True(bot.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.NotEqual(0, bot.ExitCode);
        Assert.Contains("Several clusters are configured (alpha, zeta): set Clusters__Default", bot.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClustersDefault_NamesTheClusterCommandsUse_WhateverItsPlaceInTheAlphabet()
    {
        var settings = new Dictionary<string, string>
        {
            ["Clusters__alpha__LoginHost"] = "alpha.example.org",
            ["Clusters__alpha__HostKeySha256"] = Fingerprint,
            ["Clusters__zeta__LoginHost"] = "zeta.example.org",
            ["Clusters__zeta__HostKeySha256"] = Fingerprint,
            ["Clusters__Default"] = "zeta",
            ["Storage__DataDirectory"] = _data,
        };
        using var bot = BotProcess.Start(settings, "console");
        bot.Type("key someone");
        bot.Type("key check");

        await bot.WaitForAsync("log in to zeta.example.org", TimeSpan.FromSeconds(60));
        Assert.DoesNotContain("alpha.example.org", bot.Stdout, StringComparison.Ordinal);
    }
}
