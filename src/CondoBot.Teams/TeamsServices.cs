using CondoBot.Core.Diagnostics;
using CondoBot.Core.Notices;
using CondoBot.Teams.Activities;
using CondoBot.Teams.Auth;
using CondoBot.Teams.Connector;
using CondoBot.Teams.Notifying;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CondoBot.Teams;

public static class TeamsServices
{
    /// <summary>
    /// The Teams front door, when Teams is on (<see cref="TeamsOptions.IsEnabled"/>); otherwise nothing is registered
    /// and the service runs without it. The host still needs <c>app.MapTeams()</c> for the endpoint.
    /// </summary>
    public static IServiceCollection AddTeamsFrontDoor(this IServiceCollection services, IConfiguration configuration)
    {
        if (!TeamsOptions.IsEnabled(configuration)) return services;

        services.AddOptions<TeamsOptions>().Bind(configuration.GetSection(TeamsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TeamsOptions>, TeamsOptionsValidator>();
        services.AddHttpClient(OpenIdKeySources.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30));
        // The Connector answers in well under a second; a reply must land well inside Teams' 15 s retry window.
        services.AddHttpClient(ConnectorClient.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));

        services.AddSingleton<OpenIdKeySources>();
        services.AddSingleton<ActivityAuthenticator>();
        services.AddSingleton<BotTokenProvider>();
        services.AddSingleton<TrustedServiceUrls>();
        services.AddSingleton<ConversationReferences>();
        services.TryAddSingleton<CondoBotMetrics>();
        services.AddSingleton<ConnectorClient>();
        services.AddSingleton<PersonalConversations>();
        services.TryAddSingleton<Core.Sessions.LastChoices>();
        services.TryAddSingleton<Core.Clusters.PartitionChoices>();
        services.AddSingleton<StartFormDefaults>();
        services.AddSingleton<MessageHandler>();
        services.AddSingleton<INotifier, TeamsNotifier>();
        services.AddHostedService<TeamsStartupNotice>();
        return services;
    }
}
