using CondoBot.Core.Diagnostics;
using CondoBot.Core.Notices;
using CondoBot.Slack.Inbound;
using CondoBot.Slack.Notifying;
using CondoBot.Slack.SocketMode;
using CondoBot.Slack.WebApi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CondoBot.Slack;

public static class SlackServiceCollectionExtensions
{
    /// <summary>
    /// The Slack front door: the signed HTTP endpoints (map them with <see cref="SlackEndpoints.MapSlack"/>), the
    /// notifier for <c>slack</c> users, and Socket Mode when <c>Slack__AppToken</c> is set. Needs the core's services.
    /// </summary>
    public static IServiceCollection AddSlack(this IServiceCollection services, IConfiguration slackSection)
    {
        services.AddOptions<SlackOptions>().Bind(slackSection).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SlackOptions>, SlackOptionsValidator>();

        services.TryAddSingleton<CondoBotMetrics>();
        services.AddSingleton<SlackApi>();
        services.AddHttpClient(SlackApi.ClientName, (provider, http) =>
        {
            http.BaseAddress = provider.GetRequiredService<IOptions<SlackOptions>>().Value.ApiBase;
            // Slack answers in well under a second; a call stuck this long is better retried.
            http.Timeout = TimeSpan.FromSeconds(15);
        })
        // SlackApi logs each failure with its method and Slack's error code; a line per successful call is noise.
        .RemoveAllLoggers();

        services.AddSingleton<SignedRequest>();
        services.AddSingleton<RequestLedger>();
        services.AddSingleton<SlashCommandHandler>();
        services.AddSingleton<ButtonClickHandler>();
        services.AddSingleton<StartFormHandler>();
        services.TryAddSingleton<Core.Clusters.PartitionChoices>();
        services.TryAddSingleton<Core.Sessions.LastChoices>();
        services.AddSingleton<FormSubmissions>();
        services.AddSingleton<SlackEvents>();
        services.AddSingleton<HomeRefreshes>();
        services.AddSingleton<HomeTabs>();
        services.AddHostedService(provider => provider.GetRequiredService<HomeTabs>());

        services.AddSingleton<DirectMessages>();
        services.AddSingleton<LiveStatus>();
        services.AddSingleton<OutsideRequests>();
        services.AddSingleton<INotifier, SlackNotifier>();
        services.AddSingleton<EphemeralReplies>();
        services.AddHostedService(provider => provider.GetRequiredService<EphemeralReplies>());

        if (!string.IsNullOrEmpty(slackSection["AppToken"]))
        {
            services.AddSingleton<SocketEnvelopes>();
            services.AddHostedService<SocketModeService>();
        }

        return services;
    }
}
