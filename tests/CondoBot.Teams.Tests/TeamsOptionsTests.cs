using Microsoft.Extensions.Configuration;

namespace CondoBot.Teams.Tests;

public sealed class TeamsOptionsTests
{
    private static TeamsOptions Bind(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        return configuration.GetSection(TeamsOptions.Section).Get<TeamsOptions>() ?? new TeamsOptions();
    }

    [Theory]
    [InlineData("BotFramework", TokenIssuers.BotFramework)]
    [InlineData("Entra", TokenIssuers.Entra)]
    [InlineData("BotFramework, Entra", TokenIssuers.BotFramework | TokenIssuers.Entra)]
    public void Issuers_AreReadAsOperatorsWriteThem(string value, TokenIssuers expected) =>
        Assert.Equal(expected, Bind(("Teams:Issuers", value)).Issuers);

    [Fact]
    public void WithOnlyTheRequiredSettings_MicrosoftsEndpointsForTheTenantAreUsed()
    {
        var options = Bind(("Teams:AppId", "11111111-2222-3333-4444-555555555555"), ("Teams:TenantId", "contoso.onmicrosoft.com"));

        Assert.Equal("https://login.botframework.com/v1/.well-known/openidconfiguration", options.EffectiveOpenIdMetadataUrl);
        Assert.Equal("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token", options.EffectiveTokenEndpoint);
        Assert.Equal("https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration", options.EffectiveEntraOpenIdMetadataUrl);
        Assert.Equal(["https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0", "https://sts.windows.net/contoso.onmicrosoft.com/"], options.EntraIssuers);
        Assert.Equal("28:11111111-2222-3333-4444-555555555555", options.BotId);
        Assert.Equal(TokenIssuers.BotFramework, options.Issuers);
        Assert.False(options.AllowAnonymousRequests);
    }

    [Theory]
    [InlineData("Teams:AppId", true)]
    [InlineData("Teams:AppPassword", true)]
    [InlineData("Teams:TenantId", true)]
    [InlineData("Teams:TokenEndpoint", false)]
    [InlineData("Teams:AllowAnonymousRequests", false)]
    public void TeamsIsOn_WhenAnyOfItsRequiredSettingsIsGiven(string key, bool on)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new KeyValuePair<string, string?>(key, "x")])
            .Build();

        Assert.Equal(on, TeamsOptions.IsEnabled(configuration));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000/token", true)]
    [InlineData("http://localhost:5000/token", true)]
    [InlineData("https://login.example.com/token", true)]
    [InlineData("http://login.example.com/token", false)]
    public void PlainHttp_IsAcceptedOnlyOnLoopback(string url, bool accepted)
    {
        var options = Bind(("Teams:AppId", "11111111-2222-3333-4444-555555555555"), ("Teams:AppPassword", "p"),
            ("Teams:TenantId", "99999999-8888-7777-6666-555555555555"), ("Teams:TokenEndpoint", url));

        var result = new TeamsOptionsValidator().Validate(null, options);

        Assert.Equal(accepted, result.Succeeded);
    }
}
