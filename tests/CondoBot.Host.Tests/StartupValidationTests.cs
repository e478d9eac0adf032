using CondoBot.Testing;

namespace CondoBot.Host.Tests;

public sealed class StartupValidationTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("condobot-config-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Theory]
    [InlineData("Sessions__PollInterval", "00:99:00", "Sessions__PollInterval is '00:99:00', which is not a duration: write [d.]hh:mm:ss")]
    [InlineData("Sessions__RemindBefore", "00:15:00,00:99:00", "Sessions__RemindBefore: '00:99:00' is not a reminder")]
    [InlineData("Sessions__RemindBefore", "00:00:00", "Sessions__RemindBefore: '00:00:00' is not a reminder; write positive durations")]
    [InlineData("Sessions__RemindBefore__0", "00:99:00", "Sessions__RemindBefore: '00:99:00' is not a reminder")]
    [InlineData("Sessions__PollInterval__0", "00:00:01", "Sessions__PollInterval takes one value, not a list")]
    [InlineData("Sessions__QueuedPollMax", "00:00:00.500", "Sessions__QueuedPollMax (00:00:00.5000000) must be at least Sessions__PollInterval")]
    [InlineData("Sessions__PolInterval", "00:00:01", "Sessions__PolInterval is not a setting; the Sessions settings are: PollInterval, QueuedPollMax")]
    [InlineData("Clusters__local__LoginHots", "login", "Clusters__local__LoginHots is not a setting; the Clusters__local settings are: LoginHost, LoginPort")]
    [InlineData("Clusters__LoginHost", "login", "Clusters__LoginHost is not a setting: a cluster's settings are Clusters__NAME__SETTING")]
    [InlineData("Clusters__local__LoginHost", "login node", "Clusters__local__LoginHost: LoginHost must be a host name or an IP address")]
    [InlineData("Clusters__local__ExternalLoginHost", "ext.example.org; id", "Clusters__local__ExternalLoginHost: ExternalLoginHost must be a host name or an IP address")]
    [InlineData("Clusters__local__CommandTimeout", "30", "Clusters__local__CommandTimeout is '30', which reads as 30 days: write the duration as [d.]hh:mm:ss (00:00:30 for seconds")]
    [InlineData("Clusters__local__CommandTimeout", "01:00:00", "Clusters__local__CommandTimeout must be positive and at most 00:10:00.")]
    [InlineData("Clusters__local__NodeSsh", "yes", "Clusters__local__NodeSsh is 'yes': write true or false.")]
    [InlineData("Clusters__local__NodeSshPort", "0", "Clusters__local__NodeSshPort: NodeSshPort must be a TCP port from 1 to 65535.")]
    [InlineData("Clusters__local__IdleAfter", "00:00:00", "Clusters__local__IdleAfter: IdleAfter must be a positive duration of at most 365 days, such as 01:00:00.")]
    [InlineData("Clusters__local__IdleAfter", "soon", "Clusters__local__IdleAfter is 'soon', which is not a duration")]
    [InlineData("Sessions__IdleGrace", "00:00:00", "Sessions__IdleGrace")]
    [InlineData("Clusters__local__KeyLifetime", "soon", "Clusters__local__KeyLifetime is 'soon', which is not a duration")]
    [InlineData("LoginNode__ConnectionsPerLogin", "two", "LoginNode__ConnectionsPerLogin is 'two', which is not a whole number")]
    [InlineData("LoginNode__KeepAlive", "00:00:15", "LoginNode__KeepAlive is not a setting; the LoginNode settings are: KeepAliveInterval")]
    [InlineData("Jobs__InvisibilityTimeout", "00:00:01", "Jobs__InvisibilityTimeout must be between 00:00:10 and 1.00:00:00")]
    [InlineData("Jobs__InvisibilityTimeout", "00:10:00", "Sessions__SubmitOverdueAfter (00:05:00) must be at least Jobs__InvisibilityTimeout (00:10:00)")]
    [InlineData("Jobs__Invisibility", "00:10:00", "Jobs__Invisibility is not a setting; the Jobs settings are: InvisibilityTimeout.")]
    [InlineData("Storage__OutboxLease", "00:00:01", "Storage__OutboxLease: The field OutboxLease must be between 00:00:05 and 01:00:00")]
    [InlineData("Storage__OutboxLease", "soon", "Storage__OutboxLease is 'soon', which is not a duration")]
    [InlineData("Storage__ConnectionString", "Host=x", "Storage__ConnectionString is not a setting; the Storage settings are: DataDirectory, Provider, OutboxLease, SqliteDurability.")]
    [InlineData("Admin__Password", "short", "Admin__Password must be at least 16 characters")]
    [InlineData("Admin__User", "ad:min", "Admin__User must be 1 to 64 characters without ':'")]
    [InlineData("Admin__Pasword", "a-long-enough-password", "Admin__Pasword is not a setting; the Admin settings are: User, Password.")]
    [InlineData("Slack__SigningSecrett", "x", "Slack__SigningSecrett is not a setting; the Slack settings are: SigningSecret, BotToken, AppToken, ApiBaseUrl.")]
    [InlineData("DataProtection__CertificatePath", "/nonexistent/keyring.pfx", "DataProtection__CertificatePath: '/nonexistent/keyring.pfx' does not exist")]
    [InlineData("DataProtection__PreviousCertificatePaths", "/old.pfx", "DataProtection__PreviousCertificatePaths is set, so DataProtection__CertificatePath must be too")]
    [InlineData("DataProtection__Certificate", "/keyring.pfx", "DataProtection__Certificate is not a setting; the DataProtection settings are: CertificatePath, CertificatePassword, PreviousCertificatePaths.")]
    [InlineData("Teams__Issuers", "Google", "Teams__Issuers is 'Google': write one or more of BotFramework, Entra, separated by commas.")]
    [InlineData("Teams__AllowAnonymousRequests", "yes", "Teams__AllowAnonymousRequests is 'yes': write true or false.")]
    [InlineData("Clusters__local__HostKeySha256", "", "Clusters__local__HostKeySha256")]
    [InlineData("Clusters__local__HostKeySha256", "md5:ab:cd", "HostKeySha256 must look like SHA256:")]
    [InlineData("Clusters__local__LoginPort", "70000", "Clusters__local__LoginPort")]
    [InlineData("Clusters__local__DefaultAccount", "cnms;rm", "DefaultAccount must be a Slurm account name")]
    [InlineData("Clusters__local__BotAddress", "10.0.0.1\" ,command=\"x", "BotAddress must be a host or address pattern list")]
    [InlineData("Clusters__Default", "elsewhere", "Clusters__Default is 'elsewhere', which is not a configured cluster; it names one of: local.")]
    [InlineData("Clusters__local__Environments__torch__Preambel", "module load torch", "Clusters__local__Environments__torch__Preambel is not a setting; the Clusters__local__Environments__torch settings are: Preamble, LaunchCommand, Description.")]
    [InlineData("Clusters__local__Environments__torch", "module load torch", "Clusters__local__Environments__torch is not a setting: write Clusters__local__Environments__torch__SETTING")]
    [InlineData("Clusters__local__Environments__a.b__Preamble", "module load torch", "Clusters__local__Environments__a.b: an environment name uses letters, digits")]
    [InlineData("Clusters__local__DefaultEnvironment", "torch", "Clusters__local__DefaultEnvironment is 'torch', which is not one of the cluster's environments (it has none")]
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

    [Fact]
    public void Postgres_WithoutAKeyRingCertificate_StopsTheService_NamingDataProtectionCertificatePath()
    {
        var settings = new Dictionary<string, string>
        {
            ["Clusters__local__LoginHost"] = "127.0.0.1",
            ["Clusters__local__HostKeySha256"] = Fingerprint,
            ["Storage__DataDirectory"] = _data,
            ["Storage__Provider"] = "Postgres",
            ["ConnectionStrings__CondoBot"] = "Host=127.0.0.1;Database=unused;Username=unused;Password=unused",
        };
        using var bot = BotProcess.Start(settings, "console");
        bot.CloseInput();

        Assert.True(bot.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.NotEqual(0, bot.ExitCode);
        Assert.Contains("Storage__Provider is Postgres, so DataProtection__CertificatePath must name a PFX file", bot.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSqliteDefault_WithoutACertificate_SaysOnceWhatIsUnprotected()
    {
        var settings = new Dictionary<string, string>
        {
            ["Clusters__local__LoginHost"] = "127.0.0.1",
            ["Clusters__local__HostKeySha256"] = Fingerprint,
            ["Storage__DataDirectory"] = _data,
        };
        using var bot = BotProcess.Start(settings, "console");
        bot.Type("help");
        bot.CloseInput();

        Assert.True(bot.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, bot.ExitCode);
        var notice = "is not encrypted: anyone who can read it (or a copy or backup of it) together with the database can unseal every user's private key";
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(bot.Stderr, System.Text.RegularExpressions.Regex.Escape(notice)));
        Assert.DoesNotContain("No XML encryptor configured", bot.Stderr, StringComparison.Ordinal);
    }
}
