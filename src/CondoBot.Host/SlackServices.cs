using CondoBot.Slack;
using CondoBot.Slack.Inbound;

namespace CondoBot.Host;

public static class SlackServices
{
    /// <summary>
    /// Slack is on when any <c>Slack__</c> setting is present (even an empty one, so that a half-done configuration stops
    /// the service with a message instead of quietly leaving Slack off); with none, the service runs without it.
    /// </summary>
    public static bool Configured(IConfiguration configuration) =>
        configuration.GetSection(SlackOptions.Section).GetChildren().Any();

    public static IServiceCollection AddSlackFrontDoor(this IServiceCollection services, IConfiguration configuration) =>
        Configured(configuration) ? services.AddSlack(configuration.GetSection(SlackOptions.Section)) : services;

    /// <summary><c>POST /slack/commands</c> and <c>/slack/interactivity</c>, when Slack is configured.</summary>
    public static IEndpointRouteBuilder MapSlackFrontDoor(this IEndpointRouteBuilder endpoints) => endpoints.MapSlack();
}
